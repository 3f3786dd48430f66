#!/usr/bin/env node
// `goldsmith` with the QEMU image checklist replaced by a stand-in, injected the way test seams
// are here (by a launcher, never by the environment): the fake-image line's "image" is a tiny
// qcow2 that cannot boot, and these tests are about the store; test/qemu/ runs the real
// checklist on real images.
//
//   node test/helpers/qemu-stand-in-cli.mjs --config goldsmith.yaml build img-test --wait
// The bundle's own entries, so the patched registry is the very one its CLI reads.
const bundle = new URL('../../dist/bundle/', import.meta.url);
const { TEMPLATE_PLATFORMS } = await import(new URL('store-registry.js', bundle).href);
const { qemuBuildHooks } = await import(new URL('qemu-build-hooks.js', bundle).href);

const standIn = async () => ({ ok: true, facts: { checks: [{ name: 'stand-in', result: 'pass', detail: 'the test launcher replaced the image checklist' }] } });
TEMPLATE_PLATFORMS.qemu = { ...TEMPLATE_PLATFORMS.qemu, buildHooks: (context) => qemuBuildHooks({ ...context, checkImage: standIn }) };

await import(new URL('cli.js', bundle).href);
