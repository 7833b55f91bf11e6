package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapesWorldTest {
    private static final int DRAWS = 20_000;

    private final ShapesWorld world = new ShapesWorld(18);

    @Test
    void holdsOutAboutOneCombinationInTwenty() {
        long heldOut = HeldOutSplit.allCombinations().stream()
                .filter(combination -> world.isHeldOut(combination.withSize(Size.SMALL)))
                .count();

        assertThat(HeldOutSplit.allCombinations()).hasSize(1512);
        assertThat(heldOut).isEqualTo(76);
    }

    @Test
    void holdsOutACombinationAtEverySize() {
        for (Combination combination : HeldOutSplit.allCombinations()) {
            assertThat(world.isHeldOut(combination.withSize(Size.SMALL)))
                    .isEqualTo(world.isHeldOut(combination.withSize(Size.LARGE)));
        }
    }

    @Test
    void keepsEveryAttributeValueInTraining() {
        Set<Object> trained = new HashSet<>();
        for (Combination combination : HeldOutSplit.allCombinations()) {
            if (!world.isHeldOut(combination.withSize(Size.SMALL))) {
                trained.addAll(List.of(
                        combination.shape(),
                        "colour " + combination.colour(),
                        "background " + combination.background(),
                        combination.placement()));
            }
        }

        assertThat(trained).hasSize(3 + 8 + 8 + 9);
    }

    @Test
    void fixesTheSplitByTheSeed() {
        ShapesWorld same = new ShapesWorld(18);
        ShapesWorld other = new ShapesWorld(19);

        assertThat(same.heldOutPrompts()).isEqualTo(world.heldOutPrompts());
        assertThat(other.heldOutPrompts()).isNotEqualTo(world.heldOutPrompts());
    }

    @Test
    void neverDrawsAHeldOutScene() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < DRAWS; i++) {
            assertThat(world.isHeldOut(world.draw(random).scene())).isFalse();
        }
    }

    @Test
    void drawsTheSameExamplesFromTheSameRandomState() {
        SplittableRandom first = new SplittableRandom(7);
        SplittableRandom second = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            assertThat(world.draw(first)).isEqualTo(world.draw(second));
        }
    }

    @Test
    void mentionsEachAttributeFourTimesInFiveAndAlwaysOne() {
        SplittableRandom random = new SplittableRandom(2);
        Map<Attribute, Integer> mentions = new EnumMap<>(Attribute.class);
        for (int i = 0; i < DRAWS; i++) {
            Example example = world.draw(random);

            assertThat(example.mentioned()).isNotEmpty();
            example.mentioned().forEach(attribute -> mentions.merge(attribute, 1, Integer::sum));
        }

        assertThat(mentions).hasSize(Attribute.values().length);
        mentions.values().forEach(count -> assertThat(count / (double) DRAWS).isBetween(0.78, 0.82));
    }

    @Test
    void drawsEveryShapeColourPlacementSizeAndTemplate() {
        SplittableRandom random = new SplittableRandom(3);
        Set<Object> seen = new HashSet<>();
        Set<String> captionsStarts = new HashSet<>();
        for (int i = 0; i < DRAWS; i++) {
            Example example = world.draw(random);
            Scene scene = example.scene();
            seen.addAll(List.of(scene.shape(), scene.colour(), scene.placement(), scene.size()));
            captionsStarts.add(example.caption().split(" ")[0]);
        }

        assertThat(seen).hasSize(3 + 8 + 9 + 2);
        assertThat(captionsStarts).contains("a", "an", "small", "large");
    }

    @Test
    void captionsADrawnExampleByOneTemplateWithTheMentionedAttributes() {
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 1000; i++) {
            Example example = world.draw(random);

            assertThat(List.of(CaptionTemplate.values()))
                    .extracting(template -> template.write(example.scene(), example.mentioned()))
                    .contains(example.caption());
        }
    }

    @Test
    void evaluatesFortyEightHeldOutScenesWithEverythingMentioned() {
        List<Example> prompts = world.heldOutPrompts();

        assertThat(prompts).hasSize(48);
        assertThat(prompts).allSatisfy(example -> {
            assertThat(world.isHeldOut(example.scene())).isTrue();
            assertThat(example.mentioned()).isEqualTo(EnumSet.allOf(Attribute.class));
        });
        assertThat(prompts.stream().map(example -> example.scene().size()).distinct())
                .containsExactlyInAnyOrder(Size.values());
        assertThat(prompts.stream()
                        .map(example -> Combination.of(example.scene()))
                        .distinct())
                .hasSize(48);
    }
}
