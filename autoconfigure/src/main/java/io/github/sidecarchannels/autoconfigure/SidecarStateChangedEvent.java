package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarState;

/**
 * The state-change event under its former name.
 * <p>
 * Every change is still published as this type, so listeners of it and listeners of
 * {@link io.github.sidecarchannels.core.SidecarStateChangedEvent} both receive it.
 *
 * @deprecated listen to {@link io.github.sidecarchannels.core.SidecarStateChangedEvent},
 * which this extends; the event moved to the core package, which application code already
 * imports
 */
@Deprecated(forRemoval = false)
public class SidecarStateChangedEvent extends io.github.sidecarchannels.core.SidecarStateChangedEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * @param sidecar the sidecar that changed
	 * @param previous the state it left
	 * @param current the state it is in now
	 * @param reason why
	 */
	public SidecarStateChangedEvent(Sidecar sidecar, SidecarState previous, SidecarState current, String reason) {
		super(sidecar, previous, current, reason);
	}

}
