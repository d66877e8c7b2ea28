package io.github.sidecarchannels.autoconfigure;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarListener;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@link SidecarListener} methods of every bean as it is initialized, and
 * subscribes them to their sidecars' inbound channels once all singletons exist, before
 * the sidecars start.
 */
final class SidecarListenerRegistrar implements BeanPostProcessor, SmartInitializingSingleton {

	private final ObjectProvider<SidecarRegistry> registry;

	private final List<Found> found = new ArrayList<>();

	SidecarListenerRegistrar(ObjectProvider<SidecarRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Map<Method, SidecarListener> methods = MethodIntrospector.selectMethods(AopUtils.getTargetClass(bean),
				(MethodIntrospector.MetadataLookup<SidecarListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, SidecarListener.class));
		methods.forEach((method, annotation) -> {
			if (method.getParameterCount() != 1) {
				throw new BeanCreationException(beanName,
						"@SidecarListener(\"" + annotation.value() + "\") method " + method.getName() + " takes "
								+ method.getParameterCount() + " parameters; take one: the "
								+ "payload (String, byte[], a type bound from JSON) or a Message of it");
			}
			synchronized (this.found) {
				this.found.add(new Found(beanName, bean, AopUtils.selectInvocableMethod(method, bean.getClass()),
						annotation.value()));
			}
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		synchronized (this.found) {
			for (Found listener : this.found) {
				Sidecar sidecar = sidecar(listener);
				sidecar.inbound().subscribe(new SidecarListenerMethod(listener.bean(), listener.method(), sidecar));
			}
			this.found.clear();
		}
	}

	private Sidecar sidecar(Found listener) {
		try {
			return this.registry.getObject().get(listener.sidecarName());
		}
		catch (IllegalArgumentException ex) {
			throw new BeanCreationException(listener.beanName(),
					"@SidecarListener(\"" + listener.sidecarName() + "\") on " + listener.method().getName()
							+ " names no sidecar: " + ex.getMessage() + "; configure sidecar.processes."
							+ listener.sidecarName() + ".command",
					ex);
		}
	}

	private record Found(String beanName, Object bean, Method method, String sidecarName) {
	}

}
