package io.kiln.engine.train.shapes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The (shape, colour, background, placement) combinations kept out of training, so that the eval can ask whether the
 * model composes attributes it has only seen apart. One in twenty of the 3·8·7·9 = 1512 combinations is held out,
 * 76 of them, chosen by a shuffle seeded with the world's seed. Every single attribute value still appears in
 * training, whatever the seed: the rarest value, a placement, is part of 168 combinations, more than are held out.
 */
final class HeldOutSplit {
    private static final double HELD_OUT_FRACTION = 0.05;

    private final List<Combination> training;
    private final List<Combination> heldOut;
    private final Set<Combination> heldOutSet;

    HeldOutSplit(long seed) {
        List<Combination> all = allCombinations();
        // java.util.Random's shuffle is specified, so the split stays the same across JDKs for a given seed.
        Collections.shuffle(all, new Random(seed));
        int held = (int) Math.round(all.size() * HELD_OUT_FRACTION);
        this.heldOut = List.copyOf(all.subList(0, held));
        this.training = List.copyOf(all.subList(held, all.size()));
        this.heldOutSet = Set.copyOf(heldOut);
    }

    /** Every combination with differing colours, in enum order. */
    static List<Combination> allCombinations() {
        List<Combination> all = new ArrayList<>();
        for (ShapeKind shape : ShapeKind.values()) {
            for (Colour colour : Colour.values()) {
                for (Colour background : Colour.values()) {
                    if (colour == background) {
                        continue;
                    }
                    for (Placement placement : Placement.values()) {
                        all.add(new Combination(shape, colour, background, placement));
                    }
                }
            }
        }
        return all;
    }

    /** The combinations training draws from, in shuffled order. */
    List<Combination> training() {
        return training;
    }

    /** The held-out combinations, in shuffled order. */
    List<Combination> heldOut() {
        return heldOut;
    }

    boolean isHeldOut(Combination combination) {
        return heldOutSet.contains(combination);
    }
}
