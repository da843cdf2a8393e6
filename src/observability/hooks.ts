/**
 * Per-router hook dispatch. Hooks run after the caller's promise has what it needs, on
 * a microtask, each isolated: a hook that throws or rejects goes to onHookError and
 * never reaches the caller.
 */
import type { RouterHooks } from '../spec/router-hooks.js';

type HookName = Exclude<keyof RouterHooks, 'onHookError'>;
type HookArg<K extends HookName> = Parameters<NonNullable<RouterHooks[K]>>[0];

export class HookBus {
  private readonly handlers = new Map<HookName, Array<(arg: any) => unknown>>();
  private readonly warned = new Set<string>();
  private onHookError: RouterHooks['onHookError'];

  constructor(hooks: RouterHooks | undefined) {
    this.onHookError = hooks?.onHookError;
    if (hooks) {
      for (const [name, fn] of Object.entries(hooks)) {
        if (name !== 'onHookError' && typeof fn === 'function') this.on(name as HookName, fn as any);
      }
    }
  }

  on<K extends HookName>(name: K, fn: NonNullable<RouterHooks[K]>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(fn as (arg: any) => unknown);
    this.handlers.set(name, list);
    return () => {
      const i = list.indexOf(fn as (arg: any) => unknown);
      if (i >= 0) list.splice(i, 1);
    };
  }

  setHookErrorHandler(fn: RouterHooks['onHookError']): void {
    this.onHookError = fn;
  }

  has(name: HookName): boolean {
    return (this.handlers.get(name)?.length ?? 0) > 0;
  }

  emit<K extends HookName>(name: K, arg: HookArg<K>): void {
    const list = this.handlers.get(name);
    if (!list || list.length === 0) return;
    for (const fn of list) {
      queueMicrotask(() => {
        try {
          const r = fn(arg);
          if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, (e) => this.fail(name, e));
        } catch (e) {
          this.fail(name, e);
        }
      });
    }
  }

  private fail(hook: string, error: unknown): void {
    if (this.onHookError) {
      try {
        this.onHookError({ hook, error });
      } catch {
        // The error handler itself failed: nothing left to tell, and the caller must not see it.
      }
      return;
    }
    if (this.warned.has(hook)) return;
    this.warned.add(hook);
    console.warn(`[llm-switchboard] hook ${hook} threw (further errors from it are not shown): ${(error as Error)?.message ?? String(error)}`);
  }
}
