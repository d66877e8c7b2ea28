package io.github.sidecarchannels.core;

/**
 * Where the child finds its end of the socketpair.
 */
public enum SocketMode {

	/**
	 * The socket is the child's stdin (fd 0) and stdout (fd 1). Anything the child prints
	 * to stdout goes to the application, so only use it with children that print nothing
	 * else.
	 */
	STDIO,

	/**
	 * The socket is fd 3; stdin is {@code /dev/null} and stdout joins stderr in the
	 * sidecar's log, so a stray print can never corrupt the protocol stream.
	 */
	FD3

}
