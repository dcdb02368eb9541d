import { libName, libVersion } from '../version.js';

function browserName(userAgent: string): string | undefined {
  if (/Edg\//.test(userAgent)) return 'Microsoft Edge';
  if (/OPR\/|Opera/.test(userAgent)) return 'Opera';
  if (/Firefox\//.test(userAgent)) return 'Firefox';
  if (/Chrome\/|CriOS\//.test(userAgent)) return 'Chrome';
  if (/Safari\//.test(userAgent)) return 'Safari';
  return undefined;
}

function osName(userAgent: string): string | undefined {
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/iPhone|iPad|iPod/.test(userAgent)) return 'iOS';
  if (/Android/.test(userAgent)) return 'Android';
  if (/CrOS/.test(userAgent)) return 'Chrome OS';
  if (/Mac OS X/.test(userAgent)) return 'Mac OS X';
  if (/Linux/.test(userAgent)) return 'Linux';
  return undefined;
}

/** Properties of the page and browser that every tracked event carries. */
export function pageProperties(): Record<string, unknown> {
  const userAgent = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const properties: Record<string, unknown> = {
    $current_url: typeof location === 'undefined' ? undefined : location.href,
    $os: osName(userAgent),
    $browser: browserName(userAgent),
    mp_lib: libName,
    $lib_version: libVersion,
  };
  if (typeof screen !== 'undefined') {
    properties.$screen_width = screen.width;
    properties.$screen_height = screen.height;
  }
  if (typeof document !== 'undefined' && document.referrer) {
    properties.$referrer = document.referrer;
  }
  return properties;
}
