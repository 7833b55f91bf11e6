package io.kiln.engine.train.shapes;

/** What the held-out split is drawn over: a scene without its size. */
record Combination(ShapeKind shape, Colour colour, Colour background, Placement placement) {
    static Combination of(Scene scene) {
        return new Combination(scene.shape(), scene.colour(), scene.background(), scene.placement());
    }

    Scene withSize(Size size) {
        return new Scene(shape, colour, background, placement, size);
    }
}
