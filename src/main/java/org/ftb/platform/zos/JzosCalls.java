package org.ftb.platform.zos;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Calls JZOS members by name and parameter types. A call compiled against a stub links by name and
 * full descriptor, return type included, and fails with NoSuchMethodError on z/OS when the stub's return
 * type is wrong; IBM's text confirms neither the return type of {@code MvsConsole.wto(String,int,int)}
 * nor those of {@code registerMvsCommandCallback} and {@code startMvsCommandListener}. Looked up by
 * name, any return type links. Constants are read by name for the same reason: a stub's value would be
 * compiled into the broker.
 */
final class JzosCalls {
    private JzosCalls() {
    }

    /**
     * Calls public static method {@code name(parameterTypes)} of {@code owner}.
     *
     * @return what it returned, null for void
     * @throws IllegalStateException when the method does not exist or cannot be called; what the method
     *                               itself throws, unchecked, as it is
     */
    static Object callStatic(Class<?> owner, String name, Class<?>[] parameterTypes, Object... arguments) {
        Method method;
        try {
            method = owner.getMethod(name, parameterTypes);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(owner.getName() + " has no method " + name, e);
        }
        if (!Modifier.isStatic(method.getModifiers())) {
            throw new IllegalStateException(owner.getName() + "." + name + " is not static");
        }
        try {
            return method.invoke(null, arguments);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + owner.getName() + "." + name, e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(owner.getName() + "." + name + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * The value of public static int field {@code name} of {@code holder}, or {@code fallback} when it has
     * none (an older or newer JZOS).
     */
    static int constant(Class<?> holder, String name, int fallback) {
        try {
            return holder.getField(name).getInt(null);
        } catch (NoSuchFieldException | IllegalAccessException | IllegalArgumentException e) {
            return fallback;
        }
    }
}
