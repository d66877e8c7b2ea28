package io.github.sidecarchannels.core;

import java.io.IOException;

import io.github.sidecarchannels.core.process.ChildCommand;
import io.github.sidecarchannels.core.process.ChildStderr;
import io.github.sidecarchannels.core.process.ProcessTree;
import io.github.sidecarchannels.core.supervision.Supervisor;
import io.github.sidecarchannels.core.transport.SocketPair;

/**
 * Starts real children: a socketpair, the process wired to one end of it, and the
 * connection on the other; its stderr goes through a pair of its own to the JVM's one
 * stderr poller, which reads it from the start. What happens during the child's life is
 * {@link ProcessChild}'s business.
 */
final class ProcessRunner implements Supervisor.Runner {

	private final DefaultSidecar sidecar;

	ProcessRunner(DefaultSidecar sidecar) {
		this.sidecar = sidecar;
	}

	@Override
	public Supervisor.Child launch(Supervisor supervisor) {
		SidecarDefinition definition = this.sidecar.definition();
		SocketPair socket = null;
		ChildStderr stderr = null;
		ProcessTree tree = null;
		try {
			ChildCommand.checkCommand(definition);
			socket = SocketPair.open(definition);
			stderr = ChildStderr.open(this.sidecar.childLogger(), this.sidecar.stderrBuffer());
			Process process = ChildCommand.build(definition, socket, stderr).start();
			tree = new ProcessTree(definition.name(), process, ChildCommand.startsInOwnSession());
			socket.releaseChildEnd();
			stderr.watch();
			return new ProcessChild(this.sidecar, supervisor, tree, socket, stderr);
		}
		catch (RuntimeException | IOException ex) {
			// Started but not handed over: nobody else would ever end it.
			if (tree != null) {
				tree.kill();
			}
			if (socket != null) {
				socket.close();
			}
			if (stderr != null) {
				stderr.close();
			}
			throw startFailure(definition, ex);
		}
	}

	private static RuntimeException startFailure(SidecarDefinition definition, Exception ex) {
		if (ex instanceof SidecarConfigurationException configuration) {
			return configuration;
		}
		return new SidecarStartException(definition.name(), "cannot start " + definition.command() + ": "
				+ ex.getMessage() + "; check the command and working-directory settings", ex);
	}

}
