/**
 * The engine as an Inngest executor for functions that other apps serve with any Inngest
 * SDK: the register API they sync to, the apps and functions they registered, and the
 * body that runs such a function on the engine by calling the app over HTTP, one call per
 * step, with the run's stored steps memoized.
 */
@NullMarked
package dev.durable.inngest.executor;

import org.jspecify.annotations.NullMarked;
