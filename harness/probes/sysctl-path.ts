/**
 * net.core.somaxconn <-> /proc/sys/net/core/somaxconn. Names may use '/' as the separator
 * (the kubelet accepts both); a dot inside a path component (an interface name such as eth0.100)
 * only survives the slash form, so '/' names are taken as they are.
 */
export function procPath(name: string): string {
  const relative = name.includes('/') ? name : name.replaceAll('.', '/');
  if (!/^[a-z0-9_][a-z0-9_./-]*$/i.test(relative) || relative.split('/').includes('..')) {
    throw new Error(`not a sysctl name: ${JSON.stringify(name)}`);
  }
  return `/proc/sys/${relative}`;
}

/** Sysctl values compare by their fields: the kernel prints tabs where the pod spec may have spaces. */
export function normaliseValue(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}
