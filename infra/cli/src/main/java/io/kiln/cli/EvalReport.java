package io.kiln.cli;

import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.train.shapes.Attribute;
import io.kiln.engine.train.shapes.Expectation;
import io.kiln.engine.train.shapes.Judgement;
import io.kiln.engine.train.shapes.ShapesScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code kiln eval-shapes} writes to {@code report.json}: the settings that reproduce the run, the scores, and
 * each prompt's verdicts, so that a figure can be traced to the images behind it. An accuracy over no prompt is null.
 *
 * @param accuracy per judged attribute, by its lower-case name
 * @param overall the share of the prompts whose image shows everything judged that they state
 */
record EvalReport(
        String model,
        String sampler,
        int steps,
        double guidance,
        long seed,
        Map<String, Double> accuracy,
        Double overall,
        int scored,
        List<Judged> prompts) {

    private static final List<Attribute> JUDGED =
            List.of(Attribute.COLOUR, Attribute.BACKGROUND, Attribute.SHAPE, Attribute.PLACEMENT);

    static EvalReport of(
            String model,
            Sampler sampler,
            int steps,
            double guidance,
            long seed,
            ShapesScore score,
            List<Judged> prompts) {
        Map<String, Double> accuracy = new LinkedHashMap<>();
        JUDGED.forEach(attribute -> accuracy.put(name(attribute), orNull(score.accuracy(attribute))));
        return new EvalReport(
                model,
                sampler.requestName(),
                steps,
                guidance,
                seed,
                accuracy,
                orNull(score.overallAccuracy()),
                score.scored(),
                List.copyOf(prompts));
    }

    /** {@code 0.729} as {@code 72.9%}; {@code -} for NaN, an accuracy over no prompt. */
    static String percent(double accuracy) {
        return Double.isNaN(accuracy) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * accuracy);
    }

    private static Double orNull(double accuracy) {
        return Double.isNaN(accuracy) ? null : accuracy;
    }

    private static String name(Attribute attribute) {
        return attribute.name().toLowerCase(Locale.ROOT);
    }

    /**
     * One prompt's image and its verdicts.
     *
     * @param judged what the analyzer saw, by attribute; null values where it found no shape
     * @param right for each judged attribute the prompt states, whether the image shows it
     */
    record Judged(String prompt, long seed, String image, Map<String, String> judged, Map<String, Boolean> right) {

        static Judged of(String prompt, long seed, String image, Judgement judgement, Expectation expected) {
            Map<String, String> judged = new LinkedHashMap<>();
            judged.put("colour", word(judgement.colour()));
            judged.put("background", word(judgement.background()));
            judged.put("shape", word(judgement.shape()));
            judged.put("placement", word(judgement.placement()));
            Map<String, Boolean> right = new LinkedHashMap<>();
            ShapesScore.verdicts(expected, judgement)
                    .forEach((attribute, isRight) -> right.put(name(attribute), isRight));
            return new Judged(prompt, seed, image, judged, right);
        }

        private static String word(Enum<?> value) {
            return value == null ? null : value.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }
}
