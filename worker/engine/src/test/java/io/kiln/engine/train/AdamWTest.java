package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.kiln.engine.model.nn.Linear;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW follows torch.optim.AdamW's update, worked out here in doubles. */
class AdamWTest {
    @Test
    void twoUpdatesMatchTorchsFormula() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Module model = new Module() {
                final Linear linear = child("linear", new Linear(2, 1, false));
            };
            Parameter weight = model.namedParameters().get("linear.weight");
            weight.set(manager.create(new float[] {0.5f, -1.5f}, weight.shape()));
            weight.array().setRequiresGradient(true);
            AdamW.Settings settings = new AdamW.Settings(0.9, 0.999, 1e-8, 0.01);
            AdamW adam = new AdamW(Map.of("w", weight), settings, manager);

            double[] theta = {0.5, -1.5};
            double[] m = new double[2];
            double[] v = new double[2];
            double[][] gradients = {{0.3, -0.2}, {-0.1, 0.4}};
            double lr = 0.1;
            for (int t = 1; t <= 2; t++) {
                // loss = g·θ has the gradient g
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray g = manager.create(new float[] {(float) gradients[t - 1][0], (float) gradients[t - 1][1]});
                    collector.backward(weight.array().reshape(2).mul(g).sum());
                }
                adam.step(t, lr);
                NDArray gradient = weight.array().getGradient();
                gradient.subi(gradient);
                for (int i = 0; i < 2; i++) {
                    double g = gradients[t - 1][i];
                    theta[i] *= 1 - lr * settings.weightDecay();
                    m[i] = settings.beta1() * m[i] + (1 - settings.beta1()) * g;
                    v[i] = settings.beta2() * v[i] + (1 - settings.beta2()) * g * g;
                    double mHat = m[i] / (1 - Math.pow(settings.beta1(), t));
                    double denominator =
                            Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(settings.beta2(), t)) + settings.epsilon();
                    theta[i] -= lr * mHat / denominator;
                }
            }

            float[] updated = weight.array().toFloatArray();
            assertThat((double) updated[0]).isCloseTo(theta[0], within(1e-6));
            assertThat((double) updated[1]).isCloseTo(theta[1], within(1e-6));
        }
    }
}
