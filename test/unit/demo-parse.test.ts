import { describe, expect, it } from 'vitest';
import { parseDemoRequest, reverseTargets } from '../../agent/core/model/demo/parse.js';

const reverse = (text: string) => ({ name: 'reverse', input: { text } });

describe('the demo model understands simple requests', () => {
  it.each([
    ['reverse hello world', [reverse('hello world')]],
    ['Reverse: racecar!', [reverse('racecar')]],
    ['reverse "hello world"', [reverse('hello world')]],
    ['reverse alpha, beta and gamma', [reverse('alpha'), reverse('beta'), reverse('gamma')]],
    ['reverse "a b" and "c d"', [reverse('a b'), reverse('c d')]],
    ['reverse the words alpha beta gamma', [reverse('alpha'), reverse('beta'), reverse('gamma')]],
    ['reverse each word: one two', [reverse('one'), reverse('two')]],
  ])('%s', (prompt, calls) => {
    expect(parseDemoRequest(prompt)).toEqual(calls);
  });

  it.each([
    ['weather alerts for CA', 'CA'],
    ['alerts for california', 'CA'],
    ['any alerts in New York?', 'NY'],
    ['alerts in tx', 'TX'],
  ])('%s → get_alerts(%s)', (prompt, state) => {
    expect(parseDemoRequest(prompt)).toEqual([{ name: 'get_alerts', input: { state } }]);
  });

  it.each([
    ['forecast for 40.71, -74.0', 40.71, -74],
    ['what is the forecast at 40.7127,-74.006?', 40.7127, -74.006],
    ['forecast 35 -97.5', 35, -97.5],
  ])('%s → get_forecast', (prompt, latitude, longitude) => {
    expect(parseDemoRequest(prompt)).toEqual([{ name: 'get_forecast', input: { latitude, longitude } }]);
  });

  it('finds several requests in one message, in order', () => {
    expect(parseDemoRequest('reverse hello and give me alerts for TX')).toEqual([reverse('hello'), { name: 'get_alerts', input: { state: 'TX' } }]);
    expect(parseDemoRequest('reverse hello world. Then forecast for 40.7 -74')).toEqual([
      reverse('hello world'),
      { name: 'get_forecast', input: { latitude: 40.7, longitude: -74 } },
    ]);
  });

  it('understands nothing in other requests (and does not guess states)', () => {
    expect(parseDemoRequest('what is the meaning of life?')).toEqual([]);
    expect(parseDemoRequest('alerts for my area')).toEqual([]);
  });

  it('keeps a plain phrase whole', () => {
    expect(reverseTargets('the quick brown fox')).toEqual(['the quick brown fox']);
  });
});
