package io.github.sidecarchannels.rpc;

import java.lang.reflect.Proxy;

/**
 * Creates {@link SidecarClient} proxies; Spring Boot does it for every annotated
 * interface it finds.
 */
public final class SidecarClients {

	private SidecarClients() {
	}

	/**
	 * @param <T> the interface
	 * @param clientInterface an interface whose abstract methods carry
	 * {@link JsonRpcMethod} or {@link JsonRpcNotification}
	 * @param rpc the sidecar it calls
	 * @return a proxy calling the sidecar
	 * @throws SidecarClientException naming the method that cannot be mapped
	 */
	public static <T> T create(Class<T> clientInterface, SidecarRpc rpc) {
		if (!clientInterface.isInterface()) {
			throw new SidecarClientException(clientInterface, rpc.sidecar().name(), null,
					"is not an interface; @SidecarClient goes on interfaces");
		}
		ClientMethods methods = ClientMethods.of(clientInterface, rpc.sidecar());
		return clientInterface.cast(Proxy.newProxyInstance(clientInterface.getClassLoader(),
				new Class<?>[] { clientInterface }, new ClientInvocationHandler(clientInterface, rpc, methods)));
	}

}
