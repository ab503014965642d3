import type { ClickPrompt, CropTransform } from '@loupe/prompts';

/** A positive click the crop cannot reach (the mask never leaves the crop). */
export class ClickOutsideCropError extends Error {
  override name = 'ClickOutsideCropError';
}

/**
 * The clicks the decoder gets. A negative click outside the crop already holds (the mask never
 * reaches there) and is dropped; a positive one there cannot be honoured on this crop and is an
 * error that says so. Non-finite coordinates stay in: promptsToModelInputs rejects them by field.
 */
export function clicksInsideCrop(
  clicks: readonly ClickPrompt[],
  crop: CropTransform,
): ClickPrompt[] {
  const outsideCrop = (c: ClickPrompt) =>
    Number.isFinite(c.x) &&
    Number.isFinite(c.y) &&
    !(c.x >= crop.x0 && c.x <= crop.x0 + crop.size && c.y >= crop.y0 && c.y <= crop.y0 + crop.size);
  const outside = clicks.findIndex((c) => c.positive && outsideCrop(c));
  if (outside >= 0) {
    const c = clicks[outside] as ClickPrompt;
    throw new ClickOutsideCropError(
      `positive click ${outside} at (${c.x}, ${c.y}) is outside the model's crop ` +
        `[${crop.x0}, ${crop.x0 + crop.size}] x [${crop.y0}, ${crop.y0 + crop.size}]; draw a box that covers it`,
    );
  }
  return clicks.filter((c) => c.positive || !outsideCrop(c));
}
