/**
 * The synthetic world Kiln's own small diffusion model learns on (issue #18): one shape on a plain background,
 * 64×64 pixels, with English captions; a CLIP tokenizer vocabulary built from the caption words; a held-out set of
 * attribute combinations the model never sees; and a deterministic analyzer that judges what a generated image
 * shows, so that the evaluation needs no second model.
 */
package io.kiln.engine.train.shapes;
