package io.kiln.engine.train.shapes;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The eval's tally: for each example, what its caption asked for against what {@link SceneAnalyzer} saw in the image
 * generated from it. Each attribute is scored only over the examples whose caption states it, since an unstated
 * attribute may come out any way; size is not judged. An example counts towards the overall score when every judged
 * attribute its caption states came out right; an example that states none of them is left out of it. Not
 * thread-safe.
 */
public final class ShapesScore {
    /** The attributes the analyzer judges, in the order of the report. */
    private static final List<Attribute> JUDGED =
            List.of(Attribute.COLOUR, Attribute.BACKGROUND, Attribute.SHAPE, Attribute.PLACEMENT);

    private final Map<Attribute, Tally> byAttribute = new EnumMap<>(Attribute.class);
    private final Tally overall = new Tally();

    public ShapesScore() {
        JUDGED.forEach(attribute -> byAttribute.put(attribute, new Tally()));
    }

    /** Scores one generated image: {@code judged} is the analyzer's verdict on the image made for {@code expected}. */
    public void add(Example expected, Judgement judged) {
        add(Expectation.of(expected), judged);
    }

    /** Scores one image generated from a prompt that states {@code expected}, such as a user's, parsed. */
    public void add(Expectation expected, Judgement judged) {
        Map<Attribute, Boolean> verdicts = verdicts(expected, judged);
        verdicts.forEach((attribute, right) -> byAttribute.get(attribute).add(right));
        if (!verdicts.isEmpty()) {
            overall.add(!verdicts.containsValue(false));
        }
    }

    /**
     * For each judged attribute that {@code expected} states, in the order of the report, whether {@code judged} shows
     * it; empty when it states none.
     */
    public static Map<Attribute, Boolean> verdicts(Expectation expected, Judgement judged) {
        Map<Attribute, Boolean> verdicts = new LinkedHashMap<>();
        for (Attribute attribute : JUDGED) {
            Object wanted = expected.value(attribute);
            if (wanted != null) {
                verdicts.put(attribute, wanted == judged(judged, attribute));
            }
        }
        return verdicts;
    }

    /**
     * The share of the examples stating {@code attribute} whose image shows it; NaN when none did.
     *
     * @throws IllegalArgumentException for {@link Attribute#SIZE}, which is not judged
     */
    public double accuracy(Attribute attribute) {
        Tally tally = byAttribute.get(attribute);
        if (tally == null) {
            throw new IllegalArgumentException(attribute + " is not judged");
        }
        return tally.accuracy();
    }

    /** The share of the examples whose image shows everything judged that their caption states; NaN when none. */
    public double overallAccuracy() {
        return overall.accuracy();
    }

    /** The number of examples that stated at least one judged attribute. */
    public int scored() {
        return overall.counted;
    }

    /** A plain-text table: one line per judged attribute, then the overall line; counts and percentages. */
    public String report() {
        StringBuilder report = new StringBuilder(
                String.format(Locale.ROOT, "%-11s %6s %7s %8s%n", "attribute", "right", "stated", "accuracy"));
        for (Attribute attribute : JUDGED) {
            report.append(line(attribute.name().toLowerCase(Locale.ROOT), byAttribute.get(attribute)));
        }
        report.append(line("all stated", overall));
        return report.toString();
    }

    private static String line(String label, Tally tally) {
        String accuracy = tally.counted == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * tally.accuracy());
        return String.format(Locale.ROOT, "%-11s %6d %7d %8s%n", label, tally.right, tally.counted, accuracy);
    }

    private static Object judged(Judgement judgement, Attribute attribute) {
        return switch (attribute) {
            case SHAPE -> judgement.shape();
            case COLOUR -> judgement.colour();
            case BACKGROUND -> judgement.background();
            case PLACEMENT -> judgement.placement();
            case SIZE -> throw new IllegalArgumentException("size is not judged");
        };
    }

    /** Right answers out of those counted. */
    private static final class Tally {
        private int right;
        private int counted;

        void add(boolean isRight) {
            counted++;
            if (isRight) {
                right++;
            }
        }

        double accuracy() {
            return counted == 0 ? Double.NaN : right / (double) counted;
        }
    }
}
