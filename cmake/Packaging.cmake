# The Debian package (CPack's DEB generator): `cpack --config <build>/CPackConfig.cmake`
# in a built tree writes seccomp-hook_<version>_<arch>.deb. It holds exactly what
# `cmake --install --prefix /usr` places (deploy/CMakeLists.txt), so the configuration is
# /etc/seccomp-hook/config.json, a conffile: `dpkg -r` keeps it when the administrator
# changed it, `dpkg --purge` removes it. The dependencies come from dpkg-shlibdeps.
#
# cpack packages what is built and does not build the whole tree first (the install does
# not depend on `all`): build seccomp-convert, seccomp-hook and scc_man_pages (or
# everything) before running it.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME seccomp-hook)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "seccomp-hook")
set(CPACK_PACKAGE_CONTACT "seccomp-hook maintainers <seccomp-hook@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "check, resolve, compile and verify container seccomp profiles")
set(CPACK_PACKAGE_DESCRIPTION "seccomp-convert checks, resolves, compiles, explains and compares
seccomp profiles in the Docker, containers/common, OCI and Security Profiles
Operator dialects, and proves what a live process's filter does.
seccomp-hook is an OCI hook and runtime wrapper that selects, enforces and
attests a seccomp profile per container with runc, crun, podman, docker,
containerd and ECS on EC2.")
# Install with DESTDIR and the real prefix, so that the files written at install time
# (hooks.d entries, config.json) name /usr and /etc, not CPack's staging directory.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "runc | crun")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "podman, docker.io, containerd, bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(SCC_DEB_CONTROL ${PROJECT_BINARY_DIR}/deb-control)
file(MAKE_DIRECTORY ${SCC_DEB_CONTROL})
file(WRITE ${SCC_DEB_CONTROL}/conffiles "/etc/seccomp-hook/config.json\n")
configure_file(${PROJECT_SOURCE_DIR}/deploy/debian/postrm ${SCC_DEB_CONTROL}/postrm COPYONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${SCC_DEB_CONTROL}/conffiles ${SCC_DEB_CONTROL}/postrm)
include(CPack)
