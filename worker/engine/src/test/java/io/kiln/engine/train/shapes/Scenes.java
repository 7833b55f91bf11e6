package io.kiln.engine.train.shapes;

import java.util.ArrayList;
import java.util.List;

/** Every scene of the world, for tests that go through all of them. */
final class Scenes {
    private Scenes() {}

    /** The 3·8·7·9·2 = 3024 scenes, in enum order. */
    static List<Scene> all() {
        List<Scene> scenes = new ArrayList<>();
        for (Combination combination : HeldOutSplit.allCombinations()) {
            for (Size size : Size.values()) {
                scenes.add(combination.withSize(size));
            }
        }
        return scenes;
    }
}
