package io.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln train vae|ldm}: the two stages of the recipe that makes Kiln's own model. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains Kiln's own latent diffusion model on captioned synthetic shapes, on the CPU, in two stages:",
            "  kiln train vae --out DIR   the autoencoder (stage 1)",
            "  kiln train ldm --out DIR   the UNet and text encoder, jointly, on its latents (stage 2)",
            "DIR ends up a diffusers folder that kiln generate, the worker and diffusers load as they are."
        },
        subcommands = {TrainStageCommand.Vae.class, TrainStageCommand.Ldm.class})
public final class TrainCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing stage: vae or ldm");
    }
}
