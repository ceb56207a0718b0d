/** settings.unbound_headers: validated at load with file:line, credentials never unbindable, compiled per host. */
import { describe, expect, it } from 'vitest';
import { loadWithSettings, settingsProblems } from './settings-section.js';

const load = loadWithSettings;
const problems = settingsProblems;

describe('settings.unbound_headers', () => {
  it('compiles host patterns and names', () => {
    const set = load(
      '  unbound_headers:\n    "*.example.com": [via, x-mesh-*]\n    api.acme.com: [x-amzn-trace-id]',
    );
    expect(set.unboundHeaders).toEqual([
      { host: '*.example.com', names: ['via', 'x-mesh-*'] },
      { host: 'api.acme.com', names: ['x-amzn-trace-id'] },
    ]);
    expect(load('  timezone: UTC').unboundHeaders).toBeUndefined();
  });

  it('refuses credentials, content-type, a bare "*", prefixes covering them, bad names and bad hosts', () => {
    expect(problems('  unbound_headers:\n    api.acme.com: [authorization]')).toEqual([
      '5: unbound header "authorization" of "api.acme.com" would unbind "authorization", which a token always binds',
    ]);
    expect(problems('  unbound_headers:\n    api.acme.com: [co*]')[0]).toContain('would unbind "cookie"');
    expect(problems('  unbound_headers:\n    api.acme.com: [content-type]')[0]).toContain('would unbind');
    expect(problems('  unbound_headers:\n    api.acme.com: ["*"]')[0]).toContain(
      'must be a lower-case header name',
    );
    expect(problems('  unbound_headers:\n    api.acme.com: [X-Upper]')[0]).toContain('"X-Upper"');
    expect(problems('  unbound_headers:\n    "API.acme.com": [via]')[0]).toContain('"API.acme.com"');
    expect(problems('  unbound_headers:\n    api.acme.com: via')[0]).toContain(
      'must be a list of header names',
    );
    expect(problems('  unbound_headers: [via]')[0]).toContain('must be a mapping of host');
    expect(problems('  unbound_header: {}')[0]).toContain('unknown setting "unbound_header"');
  });
});
