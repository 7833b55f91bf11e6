package io.kiln.engine.train.shapes;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One captioned image to train or evaluate on.
 *
 * @param scene what the image shows
 * @param caption the text the model is conditioned on
 * @param mentioned the attributes the caption states; the eval scores only these
 */
public record Example(Scene scene, String caption, Set<Attribute> mentioned) {
    public Example {
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(caption, "caption");
        mentioned = mentioned.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(mentioned));
    }
}
