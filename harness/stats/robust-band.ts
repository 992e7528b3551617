import { median, medianAbsoluteDeviation } from 'simple-statistics';

/** MAD × this estimates the standard deviation of normally distributed values. */
export const MAD_TO_SD = 1.4826;

export interface RobustBand {
  center: number;
  /** Unscaled median absolute deviation of the values. */
  mad: number;
  low: number;
  high: number;
}

/**
 * median ± k · 1.4826 · MAD of earlier values: the Hampel identifier. One wild run barely moves a
 * median or a MAD, where it would move a mean and a standard deviation; with k = 3.5 this is
 * Iglewicz and Hoaglin's modified z-score rule (|0.6745 (x − median) / MAD| > 3.5). The
 * arithmetic is simple-statistics' (median, MAD), a well-kept, dependency-free library.
 */
export function robustBand(values: readonly number[], k: number): RobustBand {
  if (values.length === 0) throw new RangeError('robust band of an empty sample');
  const list = [...values];
  const center = median(list);
  const mad = medianAbsoluteDeviation(list);
  const half = k * MAD_TO_SD * mad;
  return { center, mad, low: center - half, high: center + half };
}
