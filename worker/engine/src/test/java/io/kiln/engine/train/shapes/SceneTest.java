package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.kiln.engine.image.RgbImage;
import org.junit.jupiter.api.Test;

class SceneTest {
    private static final int SIDE = ShapesWorld.IMAGE_SIDE;

    @Test
    void rejectsAShapeOfTheBackgroundsColour() {
        assertThatThrownBy(() -> new Scene(ShapeKind.CIRCLE, Colour.RED, Colour.RED, Placement.CENTER, Size.SMALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("red");
    }

    @Test
    void rendersASquareImageOfTheWorldsSide() {
        RgbImage image = scene(ShapeKind.CIRCLE, Placement.CENTER, Size.SMALL).render();

        assertThat(image.width()).isEqualTo(SIDE);
        assertThat(image.height()).isEqualTo(SIDE);
    }

    @Test
    void rendersTheSameImageEveryTime() {
        Scene scene = scene(ShapeKind.TRIANGLE, Placement.TOP_RIGHT, Size.LARGE);

        assertThat(scene.render().pixels()).isEqualTo(scene.render().pixels());
    }

    @Test
    void keepsALargeShapeInACornerOffTheBorder() {
        for (ShapeKind shape : ShapeKind.values()) {
            for (Placement corner : new Placement[] {
                Placement.TOP_LEFT, Placement.TOP_RIGHT, Placement.BOTTOM_LEFT, Placement.BOTTOM_RIGHT
            }) {
                Coverage coverage = Coverage.of(scene(shape, corner, Size.LARGE).render());

                assertThat(coverage.left()).as("%s %s", shape, corner).isGreaterThanOrEqualTo(1);
                assertThat(coverage.top()).as("%s %s", shape, corner).isGreaterThanOrEqualTo(1);
                assertThat(coverage.right()).as("%s %s", shape, corner).isLessThanOrEqualTo(SIDE - 2);
                assertThat(coverage.bottom()).as("%s %s", shape, corner).isLessThanOrEqualTo(SIDE - 2);
            }
        }
    }

    @Test
    void centresEveryShapesBoundingBoxOnItsGridPoint() {
        for (ShapeKind shape : ShapeKind.values()) {
            for (Placement placement : Placement.values()) {
                Coverage coverage =
                        Coverage.of(scene(shape, placement, Size.LARGE).render());

                assertThat((coverage.left() + coverage.right() + 1) / 2.0)
                        .as("%s %s", shape, placement)
                        .isCloseTo((placement.column() + 1) * SIDE / 4.0, within(1.0));
                assertThat((coverage.top() + coverage.bottom() + 1) / 2.0)
                        .as("%s %s", shape, placement)
                        .isCloseTo((placement.row() + 1) * SIDE / 4.0, within(1.0));
            }
        }
    }

    @Test
    void drawsEachShapeWithItsAreaUpToTheSampling() {
        double halfWidth = Size.LARGE.halfWidth() * SIDE;

        assertThat(Coverage.of(scene(ShapeKind.CIRCLE, Placement.CENTER, Size.LARGE)
                                .render())
                        .area())
                .isCloseTo(Math.PI * halfWidth * halfWidth, withinPercentage(2));
        assertThat(Coverage.of(scene(ShapeKind.SQUARE, Placement.CENTER, Size.LARGE)
                                .render())
                        .area())
                .isCloseTo(4 * halfWidth * halfWidth, withinPercentage(2));
        assertThat(Coverage.of(scene(ShapeKind.TRIANGLE, Placement.CENTER, Size.LARGE)
                                .render())
                        .area())
                .isCloseTo(Math.sqrt(3) * halfWidth * halfWidth, withinPercentage(2));
    }

    @Test
    void drawsALargeShapeWithOverThreeTimesTheAreaOfASmallOne() {
        double small = Coverage.of(
                        scene(ShapeKind.CIRCLE, Placement.CENTER, Size.SMALL).render())
                .area();
        double large = Coverage.of(
                        scene(ShapeKind.CIRCLE, Placement.CENTER, Size.LARGE).render())
                .area();

        assertThat(large / small).isGreaterThan(3);
    }

    @Test
    void pointsATriangleUpwards() {
        Coverage coverage = Coverage.of(
                scene(ShapeKind.TRIANGLE, Placement.CENTER, Size.LARGE).render());

        assertThat(coverage.rowArea(coverage.top() + 1)).isLessThan(coverage.rowArea(coverage.bottom() - 1) / 5);
    }

    @Test
    void blendsEdgePixelsBetweenTheTwoColours() {
        RgbImage image = scene(ShapeKind.CIRCLE, Placement.CENTER, Size.LARGE).render();

        int blended = 0;
        for (int i = 0; i < image.pixels().length; i += 3) {
            int red = image.pixels()[i] & 0xFF;
            if (red != Colour.WHITE.red() && red != Colour.RED.red()) {
                blended++;
            }
        }
        assertThat(blended).isGreaterThan(40);
    }

    /** A red shape on white, where the green channel tells the coverage: 255 for background, 20 for shape. */
    private static Scene scene(ShapeKind shape, Placement placement, Size size) {
        return new Scene(shape, Colour.RED, Colour.WHITE, placement, size);
    }

    /** Per pixel, the fraction of it the red shape covers, read back from the green channel. */
    private record Coverage(double[] fraction, int left, int top, int right, int bottom) {
        static Coverage of(RgbImage image) {
            double[] fraction = new double[SIDE * SIDE];
            int left = SIDE;
            int top = SIDE;
            int right = -1;
            int bottom = -1;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int green = image.pixels()[(y * SIDE + x) * 3 + 1] & 0xFF;
                    double covered =
                            (Colour.WHITE.green() - green) / (double) (Colour.WHITE.green() - Colour.RED.green());
                    fraction[y * SIDE + x] = covered;
                    if (covered > 0) {
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                    }
                }
            }
            return new Coverage(fraction, left, top, right, bottom);
        }

        double area() {
            double area = 0;
            for (double covered : fraction) {
                area += covered;
            }
            return area;
        }

        double rowArea(int y) {
            double area = 0;
            for (int x = 0; x < SIDE; x++) {
                area += fraction[y * SIDE + x];
            }
            return area;
        }
    }
}
