import { debouncer } from '../../../console/debounce';

describe('the console refresh after live events', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('loads once after a burst of events', () => {
    const loads: string[] = [];
    const d = debouncer(400, () => loads.push('live'));
    for (let i = 0; i < 5; i++) {
      d.call();
      jest.advanceTimersByTime(100);
    }
    expect(loads).toEqual([]);
    jest.advanceTimersByTime(400);
    expect(loads).toEqual(['live']);
  });

  it('a refresh pending when the filters change loads the new filters, not the old ones', () => {
    // the search screen: an event arrives while the list shows the live tickets, then the agent
    // searches for a solved ticket before the refresh fires
    const loads: string[] = [];
    const d = debouncer(400);
    d.fn = () => loads.push('status=live');
    d.call();
    jest.advanceTimersByTime(200);
    d.fn = () => loads.push('q=hinge&status=solved');
    jest.advanceTimersByTime(400);
    expect(loads).toEqual(['q=hinge&status=solved']);
  });

  it('a screen that has gone away loads nothing more', () => {
    const loads: string[] = [];
    const d = debouncer(150, () => loads.push('returns'));
    d.call();
    d.cancel();
    jest.runOnlyPendingTimers();
    expect(loads).toEqual([]);
  });
});
