package io.github.sidecarchannels.core;

import java.util.List;

/**
 * The one state of a pool, derived from its instances' states: {@code RUNNING} while at
 * least {@code min-ready} instances are ready; {@code FAILED} only when no instance runs
 * or can come back and at least one failed; {@code STOPPED} when all are stopped; else
 * the state of the way there.
 */
final class PoolState {

	private final int minReady;

	private final List<? extends Sidecar> instances;

	private final Object monitor = new Object();

	private volatile SidecarState current = SidecarState.STOPPED;

	PoolState(int minReady, List<? extends Sidecar> instances) {
		this.minReady = minReady;
		this.instances = instances;
	}

	SidecarState current() {
		return this.current;
	}

	/**
	 * Recompute after an instance changed; a change of the pool's state is told, in
	 * order.
	 * @param instance which instance changed
	 * @param reason why it did
	 * @param changed told of a change of the pool's state
	 */
	void update(int instance, String reason, Changed changed) {
		synchronized (this.monitor) {
			SidecarState previous = this.current;
			SidecarState next = derive();
			this.current = next;
			if (previous != next) {
				changed.stateChanged(previous, next, "instance " + instance + ": " + reason);
			}
		}
	}

	private SidecarState derive() {
		int ready = 0;
		int stopped = 0;
		int failed = 0;
		boolean stopping = false;
		boolean starting = false;
		for (Sidecar instance : this.instances) {
			switch (instance.state()) {
				case RUNNING -> ready++;
				case STOPPED -> stopped++;
				case FAILED -> failed++;
				case STOPPING -> stopping = true;
				case STARTING -> starting = true;
				default -> {
				}
			}
		}
		if (ready >= this.minReady) {
			return SidecarState.RUNNING;
		}
		if (stopped + failed == this.instances.size()) {
			return (failed > 0) ? SidecarState.FAILED : SidecarState.STOPPED;
		}
		if (stopping) {
			return SidecarState.STOPPING;
		}
		return (starting || ready > 0) ? SidecarState.STARTING : SidecarState.RESTARTING;
	}

	/** Told of a change of the pool's state. */
	interface Changed {

		void stateChanged(SidecarState previous, SidecarState next, String reason);

	}

}
