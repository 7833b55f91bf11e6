package io.kiln.engine.train.shapes;

/**
 * What {@link SceneAnalyzer} sees in an image. When it finds no shape, {@code shape}, {@code colour} and
 * {@code placement} are null, which the eval counts as wrong for any caption that states them; {@code background} is
 * never null.
 */
public record Judgement(ShapeKind shape, Colour colour, Colour background, Placement placement) {
    /** Whether the analyzer found a shape at all. */
    public boolean foundShape() {
        return shape != null;
    }
}
