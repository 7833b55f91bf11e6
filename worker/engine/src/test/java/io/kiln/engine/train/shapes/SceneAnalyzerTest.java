package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.engine.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SceneAnalyzerTest {
    /** The noise a generated image might carry, in grey levels of 255. */
    private static final double NOISE_SIGMA = 12;

    private static final int SIDE = ShapesWorld.IMAGE_SIDE;

    @Test
    void judgesEveryRenderedSceneRight() {
        assertThat(misjudged(UnaryOperator.identity())).isEmpty();
    }

    @Test
    void judgesEverySceneRightAfterABoxBlurAndGaussianNoise() {
        SplittableRandom random = new SplittableRandom(12);

        assertThat(misjudged(image -> withNoise(boxBlur(image), random))).isEmpty();
    }

    @Test
    void findsNoShapeInAPlainBackground() {
        Judgement judgement = SceneAnalyzer.judge(plain(Colour.GREEN));

        assertThat(judgement).isEqualTo(new Judgement(null, null, Colour.GREEN, null));
        assertThat(judgement.foundShape()).isFalse();
    }

    @Test
    void takesNoSpeckForAShape() {
        RgbImage image = plain(Colour.BLUE);
        for (int i = 0; i < 5; i++) {
            paint(image, 10 + 10 * i, 20, Colour.YELLOW);
        }

        assertThat(SceneAnalyzer.judge(image).foundShape()).isFalse();
    }

    @Test
    void ignoresASpeckBesideTheShape() {
        Scene scene = new Scene(ShapeKind.TRIANGLE, Colour.WHITE, Colour.BLACK, Placement.TOP_RIGHT, Size.SMALL);
        RgbImage image = scene.render();
        paint(image, 5, 58, Colour.RED);
        paint(image, 6, 58, Colour.RED);

        assertThat(SceneAnalyzer.judge(image)).isEqualTo(expected(scene));
    }

    @Test
    void judgesAnUpsideDownTriangleNoTriangle() {
        RgbImage image = new Scene(ShapeKind.TRIANGLE, Colour.RED, Colour.WHITE, Placement.CENTER, Size.LARGE).render();
        RgbImage flipped = new RgbImage(SIDE, SIDE, new byte[SIDE * SIDE * 3]);
        for (int y = 0; y < SIDE; y++) {
            System.arraycopy(image.pixels(), y * SIDE * 3, flipped.pixels(), (SIDE - 1 - y) * SIDE * 3, SIDE * 3);
        }

        assertThat(SceneAnalyzer.judge(flipped).shape()).isNotEqualTo(ShapeKind.TRIANGLE);
    }

    private static List<String> misjudged(UnaryOperator<RgbImage> degrade) {
        List<Scene> scenes = Scenes.all();
        assertThat(scenes).hasSize(3024);
        List<String> wrong = new ArrayList<>();
        for (Scene scene : scenes) {
            Judgement judgement = SceneAnalyzer.judge(degrade.apply(scene.render()));
            if (!judgement.equals(expected(scene))) {
                wrong.add(scene + " judged " + judgement);
            }
        }
        return wrong;
    }

    private static Judgement expected(Scene scene) {
        return new Judgement(scene.shape(), scene.colour(), scene.background(), scene.placement());
    }

    /** Each pixel the mean of its 3×3 neighbourhood, edges clamped. */
    private static RgbImage boxBlur(RgbImage image) {
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                for (int channel = 0; channel < 3; channel++) {
                    int sum = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int nx = Math.clamp(x + dx, 0, SIDE - 1);
                            int ny = Math.clamp(y + dy, 0, SIDE - 1);
                            sum += in[(ny * SIDE + nx) * 3 + channel] & 0xFF;
                        }
                    }
                    out[(y * SIDE + x) * 3 + channel] = (byte) Math.round(sum / 9.0);
                }
            }
        }
        return new RgbImage(SIDE, SIDE, out);
    }

    /** Independent Gaussian noise on every channel of every pixel, clamped to 0..255. */
    private static RgbImage withNoise(RgbImage image, SplittableRandom random) {
        byte[] out = image.pixels().clone();
        for (int i = 0; i < out.length; i++) {
            double noisy = (out[i] & 0xFF) + NOISE_SIGMA * gaussian(random);
            out[i] = (byte) Math.clamp(Math.round(noisy), 0, 255);
        }
        return new RgbImage(SIDE, SIDE, out);
    }

    /** A standard normal sample by Box–Muller. */
    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static RgbImage plain(Colour colour) {
        byte[] pixels = new byte[SIDE * SIDE * 3];
        RgbImage image = new RgbImage(SIDE, SIDE, pixels);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                paint(image, x, y, colour);
            }
        }
        return image;
    }

    private static void paint(RgbImage image, int x, int y, Colour colour) {
        int at = (y * SIDE + x) * 3;
        image.pixels()[at] = (byte) colour.red();
        image.pixels()[at + 1] = (byte) colour.green();
        image.pixels()[at + 2] = (byte) colour.blue();
    }
}
