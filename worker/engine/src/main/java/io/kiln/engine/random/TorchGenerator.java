package io.kiln.engine.random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A private copy of torch's CPU random generator, {@code torch.Generator("cpu").manual_seed(seed)}, that draws the same
 * numbers bit for bit: the same seed gives the same initial latents as diffusers on CPU. Each image owns one, so
 * images drawing at the same time never disturb each other's streams (DJL's {@code Engine.setRandomSeed} drives one
 * process-wide generator instead).
 *
 * <p>What it reproduces, from torch's sources:
 *
 * <ul>
 *   <li>{@code aten/src/ATen/CPUGeneratorImpl.cpp}: mt19937 ({@link Mt19937}); {@code random()} is one 32-bit output,
 *       {@code random64()} two, the first as the high word; {@code manual_seed} clears the cached normal sample.
 *   <li>{@code aten/src/ATen/core/DistributionsHelper.h} and {@code TransformationHelper.h}: a float uniform is the low
 *       24 bits of {@code random()} times 2⁻²⁴, a double uniform the low 53 bits of {@code random64()} times 2⁻⁵³, both
 *       in [0, 1). The scalar {@code normal_distribution<double>} draws u₁ then u₂, returns r·cos θ and caches r·sin θ
 *       for the next scalar draw.
 *   <li>{@code aten/src/ATen/native/cpu/DistributionTemplates.h}, {@code normal_kernel}: a tensor of 16 or more
 *       elements is first filled with uniforms, then turned into normals 16 at a time by {@link BoxMuller}; when 16
 *       does not divide the size, the last 16 elements get fresh uniforms and are transformed again, so the tail
 *       costs 16 extra draws. Smaller tensors take one scalar normal per element, in double, which consumes and
 *       refills the cache. {@code rand} ({@code uniform_kernel}) is one uniform per element.
 * </ul>
 *
 * <p>Where torch's bits depend on the machine: float tensors of 16 or more elements reproduce its AVX2 kernel, the one
 * x86-64 CPUs with AVX2 run (on other CPUs torch takes a scalar kernel with the C library's float functions, which
 * rounds some values differently). Where torch calls the C library in double (float64 tensors, and the scalar path
 * before its result is narrowed), {@link CorrectlyRounded} stands in for glibc: the two round the other way about once
 * in 1000 calls, which can move the last bit of a float64 value; narrowed to float it practically never shows.
 *
 * <p>Not thread-safe, by design: one generator belongs to one image and is used by one thread at a time, like a
 * torch generator. No state is shared between instances.
 */
public final class TorchGenerator {
    private static final float FLOAT_UNIT = 0x1.0p-24f;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final long DOUBLE_MANTISSA_MASK = (1L << 53) - 1;

    private final Mt19937 engine;
    /**
     * torch's {@code next_double_normal_sample_}: the r·sin θ half of the last scalar Box-Muller pair, if unused.
     * torch's other cache, {@code next_float_normal_sample_}, serves {@code normal_distribution<float>}, which no CPU
     * randn path uses.
     */
    private double cachedNormal;

    private boolean hasCachedNormal;

    /** A generator in the state of {@code torch.Generator("cpu").manual_seed(seed)}; only the low 32 bits matter. */
    public TorchGenerator(long seed) {
        this.engine = new Mt19937(seed);
    }

    /** {@code torch.randn(shape, generator=g)}: standard normal float32 values, row-major, continuing the stream. */
    public float[] randn(long... shape) {
        float[] out = new float[numel(shape)];
        normalKernel(
                out.length,
                i -> out[i] = (float) nextScalarNormal(),
                from -> fillUniform(out, from),
                block -> BoxMuller.fillFloat(out, block));
        return out;
    }

    /** {@code torch.randn(shape, dtype=torch.float64, generator=g)}: the same steps in double. */
    public double[] randnDouble(long... shape) {
        double[] out = new double[numel(shape)];
        normalKernel(
                out.length,
                i -> out[i] = nextScalarNormal(),
                from -> fillUniform(out, from),
                block -> BoxMuller.fillDouble(out, block));
        return out;
    }

    /** {@code torch.rand(shape, generator=g)}: float32 values uniform in [0, 1). */
    public float[] rand(long... shape) {
        float[] out = new float[numel(shape)];
        fillUniform(out, 0);
        return out;
    }

    /** {@link #randn(long...)} as a FLOAT32 array of {@code shape} on {@code manager}. */
    public NDArray randn(NDManager manager, Shape shape) {
        return manager.create(randn(shape.getShape()), shape);
    }

    /**
     * {@code normal_kernel}'s order of draws over {@code length} elements, for either element type: below one
     * Box-Muller block a scalar normal per element; otherwise uniforms for all, transformed a block at a time, and a
     * last block of fresh uniforms over the tail when the block size does not divide the length.
     *
     * @param scalar writes one scalar normal at an index
     * @param uniforms fills the elements from an index to the end with uniforms
     * @param transform turns the block of uniforms at an index into normals
     */
    private static void normalKernel(int length, IntConsumer scalar, IntConsumer uniforms, IntConsumer transform) {
        if (length < BoxMuller.BLOCK) {
            for (int i = 0; i < length; i++) {
                scalar.accept(i);
            }
            return;
        }
        uniforms.accept(0);
        for (int block = 0; block + BoxMuller.BLOCK <= length; block += BoxMuller.BLOCK) {
            transform.accept(block);
        }
        if (length % BoxMuller.BLOCK != 0) {
            int tail = length - BoxMuller.BLOCK;
            uniforms.accept(tail);
            transform.accept(tail);
        }
    }

    /** {@code uniform_real_distribution<float>(0, 1)} into {@code out[from..]}: 24 random bits scaled by 2⁻²⁴. */
    private void fillUniform(float[] out, int from) {
        for (int i = from; i < out.length; i++) {
            out[i] = (engine.nextInt() & 0xffffff) * FLOAT_UNIT;
        }
    }

    private void fillUniform(double[] out, int from) {
        for (int i = from; i < out.length; i++) {
            out[i] = nextDoubleUniform();
        }
    }

    /** {@code uniform_real_distribution<double>(0, 1)}: the low 53 bits of {@code random64()} scaled by 2⁻⁵³. */
    private double nextDoubleUniform() {
        long high = engine.nextInt() & 0xffffffffL;
        long low = engine.nextInt() & 0xffffffffL;
        return (((high << 32) | low) & DOUBLE_MANTISSA_MASK) * DOUBLE_UNIT;
    }

    /**
     * {@code at::normal_distribution<double>} with mean 0 and std 1. torch 2.x writes the radius with
     * {@code log1p(-u2)}, 1.13 with {@code log(1 - u2)}: the same real number, 1 − u₂ being exact in double, whose
     * correctly rounded logarithm {@link CorrectlyRounded} returns.
     */
    private double nextScalarNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextDoubleUniform();
        double u2 = nextDoubleUniform();
        double radius = Math.sqrt(-2.0 * CorrectlyRounded.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = radius * CorrectlyRounded.sin(theta);
        hasCachedNormal = true;
        return radius * CorrectlyRounded.cos(theta);
    }

    private static int numel(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dim);
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds a Java array");
        }
        return (int) count;
    }
}
