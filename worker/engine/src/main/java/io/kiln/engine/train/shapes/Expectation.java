package io.kiln.engine.train.shapes;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a prompt asks of its image: each attribute the prompt states, null where it says nothing, since the image may
 * then show anything. A {@link Scene} cannot hold this, as a scene has every attribute.
 */
public record Expectation(ShapeKind shape, Colour colour, Colour background, Placement placement, Size size) {
    /** The expectation of a prompt that states nothing the world knows: nothing of its image is scored. */
    public static final Expectation NOTHING = new Expectation(null, null, null, null, null);

    /** What {@code example}'s caption states about its scene. */
    public static Expectation of(Example example) {
        Scene scene = example.scene();
        Set<Attribute> said = example.mentioned();
        return new Expectation(
                said.contains(Attribute.SHAPE) ? scene.shape() : null,
                said.contains(Attribute.COLOUR) ? scene.colour() : null,
                said.contains(Attribute.BACKGROUND) ? scene.background() : null,
                said.contains(Attribute.PLACEMENT) ? scene.placement() : null,
                said.contains(Attribute.SIZE) ? scene.size() : null);
    }

    /** The attributes stated, in {@link Attribute}'s order. */
    public Set<Attribute> stated() {
        Set<Attribute> stated = EnumSet.noneOf(Attribute.class);
        for (Attribute attribute : Attribute.values()) {
            if (value(attribute) != null) {
                stated.add(attribute);
            }
        }
        return stated;
    }

    /** The stated value of {@code attribute}; null when the prompt leaves it open. */
    public Object value(Attribute attribute) {
        return switch (attribute) {
            case SHAPE -> shape;
            case COLOUR -> colour;
            case BACKGROUND -> background;
            case PLACEMENT -> placement;
            case SIZE -> size;
        };
    }
}
