package dev.kindling.spring.model;

import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import java.util.Map;

/**
 * Registers one {@link ServedModel} bean per entry of {@code kindling.models}, named
 * {@code kindling.model.<name>}, so applications can inject a model by qualifier. The beans are views
 * into the {@link ModelRegistry}, which loads the models.
 */
final class ModelBeansRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

    static final String PREFIX = "kindling.model.";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Map<String, KindlingModelProperties.Model> models = Binder.get(environment)
                .bind("kindling.models", Bindable.mapOf(String.class, KindlingModelProperties.Model.class))
                .orElse(Map.of());
        BeanFactory factory = (BeanFactory) registry;
        for (String name : models.keySet()) {
            String beanName = PREFIX + name;
            if (registry.containsBeanDefinition(beanName)) {
                continue;
            }
            RootBeanDefinition def = new RootBeanDefinition(ServedModel.class, () -> factory.getBean(ModelRegistry.class).get(name));
            registry.registerBeanDefinition(beanName, def);
        }
    }
}
