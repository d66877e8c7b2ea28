package io.github.sidecarchannels.core;

import org.springframework.context.ApplicationEvent;

/**
 * Published as an application event whenever a sidecar changes state (starting, running,
 * restarting, stopping, stopped, failed).
 */
public class SidecarStateChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final SidecarState previous;

	private final SidecarState current;

	private final String reason;

	/**
	 * @param sidecar the sidecar that changed
	 * @param previous the state it left
	 * @param current the state it is in now
	 * @param reason why
	 */
	public SidecarStateChangedEvent(Sidecar sidecar, SidecarState previous, SidecarState current, String reason) {
		super(sidecar);
		this.previous = previous;
		this.current = current;
		this.reason = reason;
	}

	/**
	 * @return the sidecar that changed
	 */
	public Sidecar getSidecar() {
		return (Sidecar) getSource();
	}

	/**
	 * @return the state it left
	 */
	public SidecarState getPrevious() {
		return this.previous;
	}

	/**
	 * @return the state it is in now
	 */
	public SidecarState getCurrent() {
		return this.current;
	}

	/**
	 * @return why, in a few words
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "SidecarStateChangedEvent[" + getSidecar().name() + " " + this.previous + " -> " + this.current + ": "
				+ this.reason + "]";
	}

}
