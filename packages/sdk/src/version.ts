declare const __REPRISE_VERSION__: string | undefined;

/** Version of the SDK, sent as `$lib_version`; set by the build from package.json. */
export const libVersion: string =
  typeof __REPRISE_VERSION__ === 'string' ? __REPRISE_VERSION__ : '0.0.0-dev';

/** Library name sent as `mp_lib`. */
export const libName = 'reprise';
