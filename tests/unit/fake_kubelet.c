/*
 * A stand-in for the kubelet in the live collector test: copied to a file
 * named "kubelet" and run with a real kubelet command line, it only sleeps.
 * It embeds a version string the way a kubelet binary does.
 */
#include <unistd.h>

const char fake_kubelet_version[] = "gitVersion" "v1.30.5" "\0linux/amd64";

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < 60 && fake_kubelet_version[0]; i++)
		sleep(1);
	return 0;
}
