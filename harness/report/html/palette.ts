/**
 * Colours chosen for contrast on white and for colour-blind readers (blue against orange, never
 * red against green alone); verdicts also carry words, not only colour.
 */
export const VARIANT_COLORS = ['#9a4b00', '#1d4ed8', '#047857', '#7c3aed', '#be123c'];

export function variantColor(index: number): string {
  return VARIANT_COLORS[index % VARIANT_COLORS.length] as string;
}

/** The same colour with an alpha channel, for fills behind solid outlines. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
