package io.kiln.engine.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.image.RgbImage;
import java.nio.ByteBuffer;

/** Pixels to the VAE's input range and back, converted like diffusers' image processor. */
final class ImageTensors {
    private ImageTensors() {}

    /** An RGB image as (1, 3, H, W) float32 in [-1, 1]: x/255·2 − 1. */
    static NDArray toModelInput(RgbImage image, NDManager manager) {
        NDArray bytes = manager.create(
                ByteBuffer.wrap(image.pixels()), new Shape(image.height(), image.width(), 3), DataType.UINT8);
        return bytes.toType(DataType.FLOAT32, false)
                .div(255)
                .mul(2)
                .sub(1)
                .transpose(2, 0, 1)
                .expandDims(0); // (H, W, 3) → (1, 3, H, W)
    }

    /** One (H, W, 3) image in [0, 1] as 8-bit RGB: round(x·255) with numpy's ties-to-even, as {@code numpy_to_pil}. */
    static RgbImage toRgb(NDArray image) {
        long[] shape = image.getShape().getShape();
        float[] values = image.toFloatArray();
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            pixels[i] = (byte) Math.rint(values[i] * 255f);
        }
        return new RgbImage((int) shape[1], (int) shape[0], pixels);
    }
}
