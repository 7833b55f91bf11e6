package io.kiln.dispatcher.storage;

/**
 * The size of an upload {@link ImageCheck} found usable.
 *
 * @param width width in pixels
 * @param height height in pixels
 */
public record CheckedImage(int width, int height) {}
