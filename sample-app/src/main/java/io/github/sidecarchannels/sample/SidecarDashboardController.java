package io.github.sidecarchannels.sample;

import java.util.List;
import java.util.Locale;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarStatus;
import io.github.sidecarchannels.core.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * What the page's live panels poll once a second, and the "kill" button.
 * <p>
 * {@code GET /api/sidecars} gives every sidecar's status with its message counters, read
 * from the {@code sidecar.messages.sent/received} meters (the same numbers
 * {@code /actuator/prometheus} exports); the page turns the difference between two polls
 * into messages per second.
 * <p>
 * {@code POST /api/sidecars/{name}/kill} sends SIGKILL to the child, so a visitor can
 * watch the restart policy bring it back.
 */
@RestController
@RequestMapping("/api/sidecars")
class SidecarDashboardController {

	private final SidecarRegistry sidecars;

	private final MeterRegistry meters;

	private final SidecarStateLog stateLog;

	SidecarDashboardController(SidecarRegistry sidecars, MeterRegistry meters, SidecarStateLog stateLog) {
		this.sidecars = sidecars;
		this.meters = meters;
		this.stateLog = stateLog;
	}

	@GetMapping
	List<SidecarView> sidecars() {
		return this.sidecars.all().stream().map(this::view).toList();
	}

	@PostMapping("/{name}/kill")
	KillResult kill(@PathVariable String name) {
		Sidecar sidecar = this.sidecars.get(name);
		long pid = sidecar.pid();
		// Only a live child of this JVM: between pid() and the signal the child may have
		// died and, in
		// theory, its number been reused by an unrelated process.
		ProcessHandle child = ProcessHandle.of(pid)
			.filter((handle) -> handle.parent().map(ProcessHandle::pid).orElse(-1L) == ProcessHandle.current().pid())
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT,
					"Sidecar '" + name + "' has no running child to kill (state " + sidecar.state() + ")"));
		child.destroyForcibly();
		return new KillResult(name, pid, "SIGKILL");
	}

	/**
	 * {@link SidecarRegistry#get} names the known sidecars when it does not know this
	 * one.
	 */
	@ExceptionHandler
	ProblemDetail unknownSidecar(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	private SidecarView view(Sidecar sidecar) {
		SidecarStatus status = sidecar.status();
		SidecarDefinition definition = sidecar.definition();
		return new SidecarView(status.name(), status.state().name(), status.pid(),
				(status.uptime() != null) ? status.uptime().toMillis() : null, status.restarts(), status.lastExitCode(),
				status.lastFailure(), String.join(" ", definition.command()), channel(definition),
				count("sidecar.messages.sent", status.name()), count("sidecar.messages.received", status.name()),
				System.currentTimeMillis(), this.stateLog.changes(status.name()));
	}

	/** As the child sees it in SIDECAR_FRAMING: seqpacket ignores the framing setting. */
	private static String channel(SidecarDefinition definition) {
		if (definition.transport() == Transport.SEQPACKET) {
			return "seqpacket";
		}
		return "stream/" + definition.framing().name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private long count(String meter, String sidecar) {
		Counter counter = this.meters.find(meter).tag("sidecar", sidecar).counter();
		return (counter != null) ? (long) counter.count() : 0;
	}

	/**
	 * One sidecar as the page shows it.
	 *
	 * @param uptimeMillis {@code null} unless RUNNING
	 * @param messagesSent messages written to the child so far (the "out" line of the
	 * chart)
	 * @param messagesReceived messages read from the child so far (the "in" line)
	 * @param sampledAt when the counters were read (epoch millis), so the page's rates do
	 * not depend on how regularly its polls arrive
	 */
	record SidecarView(String name, String state, long pid, Long uptimeMillis, int restarts, Integer lastExitCode,
			String lastFailure, String command, String channel, long messagesSent, long messagesReceived,
			long sampledAt, List<SidecarStateLog.Change> changes) {
	}

	record KillResult(String sidecar, long pid, String signal) {
	}

}
