# STDENV for the FTB started task (jcl/FTBPROC.jcl): a /bin/sh script that only exports.
# Keep it NUMBER OFF (no sequence numbers) and never call exit: the launcher reads it with /bin/sh.
export JAVA_HOME=/usr/lpp/java/J17.0_64
export PATH=/bin:"${JAVA_HOME}"/bin
export LIBPATH=/lib:/usr/lib:"${JAVA_HOME}"/lib:"${JAVA_HOME}"/lib/j9vm
export CLASSPATH=/usr/lpp/ftb/ftb.jar
export IBM_JAVA_OPTIONS="-Xms64m -Xmx512m"
