package io.kiln.engine.train.shapes;

/** What a caption may say about a scene; whatever it leaves out, the images for it vary in. */
public enum Attribute {
    SHAPE,
    COLOUR,
    BACKGROUND,
    PLACEMENT,
    SIZE
}
