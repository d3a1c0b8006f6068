# Trim a facts snapshot of the containers-live test to an offline case:
# keep the containers named in $names (" a b c ") and the images they use,
# and of each only the members the section 4 and 5 rules read (plus names
# and ids), with the test's work directory $dir renamed /srv/bx.
def keep: ._name as $n | $names | contains(" " + $n + " ");
(.docker.api.containers | map(select(keep))) as $cs
| ($cs | map(.Image)) as $imgs
| {schema,
   meta: (.meta | .hostname = "bx-test" | .root = "/"),
   docker: {
     daemon: {settings: {"no-new-privileges": .docker.daemon.settings["no-new-privileges"]}},
     api: (.docker.api
       | .containers = ($cs | map({Id, Name, Image, State: (.State | {Status, Running}),
                                   AppArmorProfile, ProcessLabel,
                                   Config: (.Config | {User, Image, Env, Labels, Healthcheck}),
                                   HostConfig: (.HostConfig | {Binds, NetworkMode, PortBindings, PublishAllPorts, RestartPolicy,
                                     CapAdd, CapDrop, CgroupParent, IpcMode, PidMode, UTSMode, UsernsMode, Privileged,
                                     ReadonlyRootfs, SecurityOpt, Memory, CpuShares, NanoCpus, CpuQuota, Devices, PidsLimit, Ulimits}),
                                   Mounts,
                                   NetworkSettings: {Networks: (.NetworkSettings.Networks | map_values({NetworkID}))},
                                   _name, _source, _image, _running}))
       | .images = (.images | map(select(.Id as $i | $imgs | index($i)))
                   | map({Id, RepoTags, Config: (.Config | {User, Env, Cmd, Healthcheck}),
                          history: (.history | map({CreatedBy, Comment})), _name, _source}))
       | .images_used = (.images | length)
       | .info = (.info | {ID, Name, ServerVersion, Driver, SecurityOptions, Swarm: {LocalNodeState: .Swarm.LocalNodeState},
                           LiveRestoreEnabled, ExperimentalBuild, LoggingDriver,
                           Containers, ContainersRunning, ContainersStopped, Images})
       | .version = (.version | {Version, ApiVersion, MinAPIVersion})
       | .networks = (.networks | map({Name, Id, Driver, Options})))}}
| walk(if type == "string" then gsub($dir; "/srv/bx") else . end)
