package io.kiln.engine.train.shapes;

import io.kiln.engine.image.RgbImage;
import java.util.Objects;

/** One image of the world: a shape of one colour on a background of another. */
public record Scene(ShapeKind shape, Colour colour, Colour background, Placement placement, Size size) {
    public Scene {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(size, "size");
        if (colour == background) {
            throw new IllegalArgumentException(
                    "a " + colour.word() + " shape on a " + background.word() + " background would be invisible");
        }
    }

    /** The scene as a {@link ShapesWorld#IMAGE_SIDE}-pixel square image, edges anti-aliased; deterministic. */
    public RgbImage render() {
        return SceneRenderer.render(this, ShapesWorld.IMAGE_SIDE);
    }
}
