/**
 * The sidecar's Spring messaging channels: outbound (conversion, bounded queueing) and
 * the subscribable inbound and error channels.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.channel;

import org.jspecify.annotations.NullMarked;
