package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.rpc.SidecarClientException;
import io.github.sidecarchannels.rpc.SidecarClients;
import io.github.sidecarchannels.rpc.SidecarRpcRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartFactoryBean;

/**
 * Makes the proxy of one {@link io.github.sidecarchannels.rpc.SidecarClient} interface; its bean
 * definition holds only the interface and the sidecar's name, so it can be written as code ahead of time.
 * It is created eagerly, so a wrong interface or setting fails startup rather than the first call.
 *
 * @param <T> the interface
 */
final class SidecarClientFactoryBean<T> implements SmartFactoryBean<T>, BeanFactoryAware {

	private final Class<T> clientInterface;

	private final String sidecarName;

	@SuppressWarnings("NullAway.Init")
	private BeanFactory beanFactory;

	SidecarClientFactoryBean(Class<T> clientInterface, String sidecarName) {
		this.clientInterface = clientInterface;
		this.sidecarName = sidecarName;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public T getObject() {
		Sidecar sidecar = sidecar();
		if (sidecar.definition().protocol() != Protocol.JSON_RPC) {
			throw new SidecarClientException(this.clientInterface, this.sidecarName, "protocol",
					"a sidecar client makes JSON-RPC calls, but the sidecar uses protocol "
							+ sidecar.definition().protocol().wireName() + "; set protocol to json-rpc");
		}
		return SidecarClients.create(this.clientInterface,
				this.beanFactory.getBean(SidecarRpcRegistry.class).get(this.sidecarName));
	}

	private Sidecar sidecar() {
		return this.beanFactory.getBean(SidecarRegistry.class)
			.all()
			.stream()
			.filter((candidate) -> candidate.name().equals(this.sidecarName))
			.findFirst()
			.orElseThrow(() -> new SidecarClientException(this.clientInterface, this.sidecarName, "command",
					"no sidecar '" + this.sidecarName + "' is configured; configure its command"));
	}

	@Override
	public Class<T> getObjectType() {
		return this.clientInterface;
	}

	@Override
	public boolean isSingleton() {
		return true;
	}

	@Override
	public boolean isEagerInit() {
		return true;
	}

}
