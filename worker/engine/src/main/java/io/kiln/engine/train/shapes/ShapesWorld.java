package io.kiln.engine.train.shapes;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The world of captioned shapes the small model learns: scenes drawn uniformly from every combination of shape,
 * colours, placement and size outside the held-out split, each with a caption that states a random subset of the
 * scene's attributes, so the model learns to fill in what the prompt leaves open.
 */
public final class ShapesWorld {
    public static final int IMAGE_SIDE = 64;

    /**
     * How often a caption states each attribute, independently: most captions say most things, as prompts do, and
     * each attribute is left out often enough for the model to learn that the image then varies in it.
     */
    private static final double MENTION_PROBABILITY = 0.8;

    /** The size of the built-in evaluation set: every held-out combination is used at most once. */
    private static final int HELD_OUT_PROMPTS = 48;

    private static final Attribute[] ATTRIBUTES = Attribute.values();
    private static final CaptionTemplate[] TEMPLATES = CaptionTemplate.values();
    private static final Size[] SIZES = Size.values();

    private final HeldOutSplit split;

    /** A world whose held-out split is fixed by {@code seed}. */
    public ShapesWorld(long seed) {
        this.split = new HeldOutSplit(seed);
    }

    /**
     * One training example: a scene uniformly from those not held out, a template uniformly, and each attribute
     * mentioned with probability 0.8, drawn again until at least one is.
     */
    public Example draw(SplittableRandom random) {
        List<Combination> training = split.training();
        Scene scene = training.get(random.nextInt(training.size())).withSize(SIZES[random.nextInt(SIZES.length)]);
        CaptionTemplate template = TEMPLATES[random.nextInt(TEMPLATES.length)];
        Set<Attribute> mentioned = EnumSet.noneOf(Attribute.class);
        while (mentioned.isEmpty()) {
            for (Attribute attribute : ATTRIBUTES) {
                if (random.nextDouble() < MENTION_PROBABILITY) {
                    mentioned.add(attribute);
                }
            }
        }
        return new Example(scene, template.write(scene, mentioned), mentioned);
    }

    /** Whether training never shows this scene's shape, colour, background and placement together, at any size. */
    public boolean isHeldOut(Scene scene) {
        return split.isHeldOut(Combination.of(scene));
    }

    /**
     * The built-in evaluation set: 48 of the held-out combinations, sizes alternating, templates in turn, every
     * attribute mentioned. The same for every call on worlds of the same seed.
     */
    public List<Example> heldOutPrompts() {
        Set<Attribute> everything = EnumSet.allOf(Attribute.class);
        List<Example> prompts = new ArrayList<>(HELD_OUT_PROMPTS);
        for (int i = 0; i < HELD_OUT_PROMPTS; i++) {
            Scene scene = split.heldOut().get(i).withSize(SIZES[i % SIZES.length]);
            prompts.add(new Example(scene, TEMPLATES[i % TEMPLATES.length].write(scene, everything), everything));
        }
        return List.copyOf(prompts);
    }
}
