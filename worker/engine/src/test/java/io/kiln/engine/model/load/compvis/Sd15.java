package io.kiln.engine.model.load.compvis;

import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.clip.HiddenAct;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stable Diffusion 1.5 at full size, as its diffusers configs (runwayml/stable-diffusion-v1-5) describe it. Building
 * the module trees allocates no tensors, so tests can check every key of the real model without its weights.
 */
final class Sd15 {
    static final UNetConfig UNET = new UNetConfig(
            4,
            4,
            List.of(320, 640, 1280, 1280),
            List.of(true, true, true, false),
            2,
            8,
            1,
            768,
            32,
            1e-5f,
            false,
            true,
            0,
            64);
    static final AutoencoderKLConfig VAE =
            new AutoencoderKLConfig(3, 3, List.of(128, 256, 512, 512), 2, 4, 32, 512, 0.18215);
    static final CLIPTextConfig TEXT_ENCODER =
            new CLIPTextConfig(49408, 768, 3072, 12, 12, 77, 1e-5f, HiddenAct.QUICK_GELU, 0, 2, 1);

    /** CompVis/stable-diffusion's configs/stable-diffusion/v1-inference.yaml, as users keep it beside sd-v1-5. */
    static final String INFERENCE_YAML = """
            model:
              base_learning_rate: 1.0e-04
              target: ldm.models.diffusion.ddpm.LatentDiffusion
              params:
                linear_start: 0.00085
                linear_end: 0.0120
                num_timesteps_cond: 1
                log_every_t: 200
                timesteps: 1000
                first_stage_key: "jpg"
                cond_stage_key: "txt"
                image_size: 64
                channels: 4
                cond_stage_trainable: false   # Note: different from the one we trained before
                conditioning_key: crossattn
                monitor: val/loss_simple_ema
                scale_factor: 0.18215
                use_ema: False

                scheduler_config: # 10000 warmup steps
                  target: ldm.lr_scheduler.LambdaLinearScheduler
                  params:
                    warm_up_steps: [ 10000 ]
                    cycle_lengths: [ 10000000000000 ] # incredibly large number to prevent corner cases
                    f_start: [ 1.e-6 ]
                    f_max: [ 1. ]
                    f_min: [ 1. ]

                unet_config:
                  target: ldm.modules.diffusionmodules.openaimodel.UNetModel
                  params:
                    image_size: 32 # unused
                    in_channels: 4
                    out_channels: 4
                    model_channels: 320
                    attention_resolutions: [ 4, 2, 1 ]
                    num_res_blocks: 2
                    channel_mult: [ 1, 2, 4, 4 ]
                    num_heads: 8
                    use_spatial_transformer: True
                    transformer_depth: 1
                    context_dim: 768
                    use_checkpoint: True
                    legacy: False

                first_stage_config:
                  target: ldm.models.autoencoder.AutoencoderKL
                  params:
                    embed_dim: 4
                    monitor: val/rec_loss
                    ddconfig:
                      double_z: true
                      z_channels: 4
                      resolution: 256
                      in_channels: 3
                      out_ch: 3
                      ch: 128
                      ch_mult:
                      - 1
                      - 2
                      - 4
                      - 4
                      num_res_blocks: 2
                      attn_resolutions: []
                      dropout: 0.0
                    lossconfig:
                      target: torch.nn.Identity

                cond_stage_config:
                  target: ldm.modules.encoders.modules.FrozenCLIPEmbedder
            """;

    private Sd15() {}

    static UNet2DConditionModel unet() {
        return new UNet2DConditionModel(UNET, AttentionSlicing.AUTO);
    }

    static AutoencoderKL vae() {
        return new AutoencoderKL(VAE, AttentionSlicing.AUTO);
    }

    static CLIPTextModel textEncoder() {
        return new CLIPTextModel(TEXT_ENCODER);
    }

    /**
     * The shapes an original single-file sd-v1-5 holds: every parameter of the three module trees under its original
     * key, the VAE attention's linear weights as 1×1 convolutions.
     */
    static TensorSource originalLayout() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        addOriginal(shapes, unet(), OriginalKeyMap.unet(UNET));
        addOriginal(shapes, vae(), OriginalKeyMap.vae(VAE));
        addOriginal(shapes, textEncoder(), OriginalKeyMap.textEncoder());
        return new ShapeOnlySource("sd-v1-5 shapes", shapes);
    }

    private static void addOriginal(Map<String, Shape> shapes, Module tree, OriginalKeyMap map) {
        tree.namedParameters().forEach((key, parameter) -> {
            OriginalKeyMap.OriginalKey stored = map.toOriginal(key).orElseThrow();
            Shape shape = parameter.shape();
            shapes.put(stored.name(), stored.linearAsConv1x1() ? shape.addAll(new Shape(1, 1)) : shape);
        });
    }
}
