package io.github.sidecarchannels.sample;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sidecarchannels.core.SidecarStateChangedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The last state changes of each sidecar, for the dashboard: after a kill they tell the
 * story (RUNNING → RESTARTING with the exit code, then STARTING → RUNNING with the new
 * pid) that a once-a-second status poll would mostly miss, since the default backoff is
 * only 100 ms.
 */
@Component
class SidecarStateLog {

	static final int KEPT = 20;

	private final Map<String, Deque<Change>> changes = new ConcurrentHashMap<>();

	/** Runs on whichever sidecar thread made the change, hence the locking. */
	@EventListener
	void stateChanged(SidecarStateChangedEvent event) {
		Deque<Change> log = this.changes.computeIfAbsent(event.getSidecar().name(), (name) -> new ArrayDeque<>());
		synchronized (log) {
			if (log.size() == KEPT) {
				log.removeFirst();
			}
			log.addLast(new Change(Instant.ofEpochMilli(event.getTimestamp()), event.getPrevious().name(),
					event.getCurrent().name(), event.getReason()));
		}
	}

	/**
	 * @param sidecar a sidecar's name
	 * @return its last changes, oldest first
	 */
	List<Change> changes(String sidecar) {
		Deque<Change> log = this.changes.get(sidecar);
		if (log == null) {
			return List.of();
		}
		synchronized (log) {
			return new ArrayList<>(log);
		}
	}

	record Change(Instant at, String from, String to, String reason) {
	}

}
