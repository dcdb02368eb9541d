export interface Size {
  width: number;
  height: number;
}

/**
 * Returns the factor that fits a recorded viewport inside the player area while keeping its
 * aspect ratio, or 1 while either size is unknown.
 */
export function fitScale(area: Size, content: Size): number {
  if (area.width <= 0 || area.height <= 0 || content.width <= 0 || content.height <= 0) return 1;
  return Math.min(area.width / content.width, area.height / content.height);
}
