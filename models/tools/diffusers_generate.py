#!/usr/bin/env python3
"""Draws one image from a diffusers folder with diffusers' own StableDiffusionPipeline: the reference side of
compare_with_diffusers.sh.

The folder is loaded exactly as it is (its own scheduler, tokenizer and configs; no hub access), in float32 on the
CPU, at the model's native size (unet.sample_size x 2**(len(vae.block_out_channels) - 1)). The initial latents come
from torch.Generator('cpu').manual_seed(seed), one generator for the one image, drawn by the pipeline itself as
randn(1, 4, h, w): the numbers Kiln's SeededNoise draws for an image with that seed.

Usage: diffusers_generate.py MODEL_DIR --prompt P --seed S [S ...] [--steps N] [--guidance G] [--sampler plms|ddim]
       [--negative-prompt P] --out FILE.png
Needs the reference set up (../shared/reference/README.md) and run with its $PY after `source env.sh`.
"""
import argparse
import sys

import torch

# The reference's two documented deviations from a stock install (../shared/golden/README.md), applied as the golden
# data applied them; neither changes a number a correct implementation computes:
# 1. torch 1.13's CPU baddbmm reads its uninitialised output when beta == 0 (pytorch#96037, fixed in torch 2.1) and
#    diffusers' AttnProcessor calls it that way: zeros and beta=1 instead, bit-identical to the fixed kernel.
_baddbmm = torch.baddbmm


def _safe_baddbmm(input, batch1, batch2, *args, beta=1, alpha=1, out=None):
    if beta == 0:
        input, beta = torch.zeros_like(input), 1
    if out is not None:
        return _baddbmm(input, batch1, batch2, *args, beta=beta, alpha=alpha, out=out)
    return _baddbmm(input, batch1, batch2, *args, beta=beta, alpha=alpha)


torch.baddbmm = _safe_baddbmm

# 2. Without the Rust `tokenizers` wheel (not in Debian), transformers falls back to a pure-python AddedToken dataclass
#    that is unhashable, so CLIPTokenizer cannot even be built from SD 1.x's own special_tokens_map.json (dicts for
#    bos/eos/unk). Give it __hash__ and __setstate__; the tokenization itself is untouched.
import transformers.tokenization_utils_base as _tub  # noqa: E402

if not _tub.is_tokenizers_available():
    _tub.AddedToken.__hash__ = lambda self: hash(self.content)
    _tub.AddedToken.__setstate__ = lambda self, state: self.__dict__.update(state)

from diffusers import DDIMScheduler, StableDiffusionPipeline  # noqa: E402

# Kiln's sampler names; "plms" is diffusers' PNDMScheduler with skip_prk_steps, the folder's own scheduler here.
SAMPLERS = ("plms", "ddim")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a diffusers folder (model_index.json, unet/, vae/, ...)")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--negative-prompt", default=None)
    parser.add_argument("--seed", type=int, nargs="+", required=True,
                        help="one or more seeds; each image gets its own generator, as in Kiln")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--guidance", type=float, default=7.5)
    parser.add_argument("--sampler", choices=SAMPLERS, default="plms",
                        help="plms: the folder's own scheduler (PNDM); ddim: DDIMScheduler.from_config of it")
    parser.add_argument("--eta", type=float, default=0.0, help="DDIM's eta")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--out", required=True, help="the PNG to write; {seed} in it is replaced by the seed")
    args = parser.parse_args(argv)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    pipe = StableDiffusionPipeline.from_pretrained(
        args.model,
        safety_checker=None,
        requires_safety_checker=False,
        local_files_only=True,
        torch_dtype=torch.float32,
    )
    if args.sampler == "ddim":
        pipe.scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
    elif pipe.scheduler.__class__.__name__ != "PNDMScheduler":
        print(f"note: the folder's scheduler is {pipe.scheduler.__class__.__name__}, not PNDMScheduler",
              file=sys.stderr)
    pipe.set_progress_bar_config(disable=True)

    kwargs = {"eta": args.eta} if args.sampler == "ddim" else {}
    for seed in args.seed:
        # One image per call, its own generator: the pipeline draws randn((1, 4, h, w), generator) for the latents.
        generator = torch.Generator("cpu").manual_seed(seed)
        with torch.no_grad():
            result = pipe(
                args.prompt,
                negative_prompt=args.negative_prompt,
                num_inference_steps=args.steps,
                guidance_scale=args.guidance,
                generator=generator,
                output_type="pil",
                **kwargs,
            )
        image = result.images[0]
        out = args.out.replace("{seed}", str(seed))
        image.save(out)
        print(f"wrote {out} ({image.width}x{image.height}, seed {seed}, {args.sampler}, {args.steps} steps)")


if __name__ == "__main__":
    main()
