package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.rpc.SidecarClientException;
import io.github.sidecarchannels.rpc.SidecarClients;
import io.github.sidecarchannels.rpc.SidecarRpcRegistry;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartFactoryBean;
import org.springframework.util.ClassUtils;

/**
 * Makes the proxy of one {@link io.github.sidecarchannels.rpc.SidecarClient} interface;
 * its bean definition holds only the interface's name and the sidecar's name, so it can
 * be written as code ahead of time; that code goes in the interface's package (which may
 * hide the interface), hence public. Not meant to be used directly.
 *
 * @param <T> the interface It is created eagerly, so a wrong interface or setting fails
 * startup rather than the first call.
 */
public final class SidecarClientFactoryBean<T> implements SmartFactoryBean<T>, BeanFactoryAware, BeanClassLoaderAware {

	private final String interfaceName;

	private final String sidecarName;

	private @Nullable ClassLoader classLoader;

	@SuppressWarnings("NullAway.Init")
	private BeanFactory beanFactory;

	@SuppressWarnings("NullAway.Init")
	private Class<T> clientInterface;

	/**
	 * @param interfaceName the {@link io.github.sidecarchannels.rpc.SidecarClient}
	 * interface's class name
	 * @param sidecarName the sidecar it calls
	 */
	public SidecarClientFactoryBean(String interfaceName, String sidecarName) {
		this.interfaceName = interfaceName;
		this.sidecarName = sidecarName;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		this.clientInterface = (Class<T>) ClassUtils.resolveClassName(this.interfaceName, this.classLoader);
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
