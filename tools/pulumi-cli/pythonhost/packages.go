package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Installed distributions that are known to need no plugin although their names start with "pulumi-".
var withoutPlugin = map[string]bool{"pulumi-policy": true, "pulumi-esc-sdk": true}

// GetRequiredPackages names the resource plugins the program's installed Pulumi packages need, so that the
// engine can install them before the program runs: every distribution with a pulumi-plugin.json (a generated
// SDK has one) or named pulumi-*. As in Pulumi's host, the virtualenv is created first when it is missing, and
// `"resource": false` in pulumi-plugin.json means no plugin.
func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	info := req.GetInfo()
	_, tc, err := resolve(info, false)
	if err != nil {
		return nil, err
	}
	stdout, stderr, closeLog, err := h.engineWriters(ctx)
	if err != nil {
		return nil, err
	}
	defer closeLog()
	if err := tc.EnsureVenv(ctx, info.GetProgramDirectory(), false, true, stdout, stderr); err != nil {
		return nil, err
	}
	installed, err := tc.ListPackages(ctx, true)
	if err != nil {
		return nil, err
	}
	manifests, err := pluginManifests(ctx, tc, installed)
	if err != nil {
		return nil, err
	}

	packages := []*pulumirpc.PackageDependency{}
	for _, dist := range installed {
		if withoutPlugin[dist.Name] {
			continue
		}
		manifest := manifests[dist.Name]
		if manifest == nil && !strings.HasPrefix(dist.Name, "pulumi-") {
			continue
		}
		if dep := packageDependency(dist, manifest); dep != nil {
			packages = append(packages, dep)
		}
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// Prints, for each distribution named on the command line, the path of the pulumi-plugin.json inside its
// top-level package (found through the import system, so that editable installs count too), else nothing.
const findManifests = `import importlib.metadata, importlib.util, json, os, sys
found = {}
for name in sys.argv[1:]:
    try:
        module = importlib.metadata.distribution(name).metadata["Name"].replace("-", "_")
        spec = importlib.util.find_spec(module)
    except Exception:
        continue
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(str(location), "pulumi-plugin.json")
        if os.path.isfile(path):
            found[name] = path
            break
print(json.dumps(found))`

func pluginManifests(
	ctx context.Context, tc toolchain.Toolchain, installed []plugin.DependencyInfo,
) (map[string]*plugin.PulumiPluginJSON, error) {
	manifests := map[string]*plugin.PulumiPluginJSON{}
	if len(installed) == 0 {
		return manifests, nil
	}
	args := []string{"-c", findManifests}
	for _, dist := range installed {
		args = append(args, dist.Name)
	}
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return manifests, nil //nolint:nilerr // as in Pulumi's host: no manifests rather than no run
	}
	out, err := cmd.Output()
	if err != nil {
		return manifests, nil //nolint:nilerr // idem
	}
	var paths map[string]string
	if err := json.Unmarshal(out, &paths); err != nil {
		return nil, fmt.Errorf("failed to parse pulumi-plugin.json paths: %w", err)
	}
	for name, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		manifest := &plugin.PulumiPluginJSON{}
		if err := json.Unmarshal(data, manifest); err != nil {
			return nil, fmt.Errorf("failed to parse pulumi-plugin.json for %s: %w", name, err)
		}
		manifests[name] = manifest
	}
	return manifests, nil
}

// packageDependency is the plugin a distribution needs: name, version and server from its manifest, else
// derived from the distribution (name without "pulumi-", version from the distribution's).
func packageDependency(dist plugin.DependencyInfo, manifest *plugin.PulumiPluginJSON) *pulumirpc.PackageDependency {
	dep := &pulumirpc.PackageDependency{Kind: "resource"}
	if manifest != nil {
		if !manifest.Resource {
			return nil
		}
		dep.Name, dep.Version, dep.Server = manifest.Name, manifest.Version, manifest.Server
		dep.Parameterization = parameterization(manifest.Parameterization)
		dep.Extension = parameterization(manifest.ExtensionParameterization)
	}
	if dep.Name == "" {
		dep.Name = strings.TrimPrefix(dist.Name, "pulumi-")
	}
	if dep.Version == "" {
		version, ok := pluginVersion(dist.Version)
		if !ok {
			return nil
		}
		dep.Version = version
	}
	if !strings.HasPrefix(dep.Version, "v") {
		dep.Version = "v" + dep.Version
	}
	return dep
}

func parameterization(p *plugin.PulumiParameterizationJSON) *pulumirpc.PackageParameterization {
	if p == nil {
		return nil
	}
	return &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
}

var releaseVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// pluginVersion turns a final-release PEP 440 version (1.2, 1.2.3) into the plugin's semver (1.2.0, 1.2.3).
// Pulumi's host also maps pre-, post- and dev-releases; a package that is one of those and carries no version
// in its pulumi-plugin.json is skipped here, as Pulumi skips the versions it cannot map.
func pluginVersion(pep440 string) (string, bool) {
	if !releaseVersion.MatchString(pep440) {
		return "", false
	}
	parts := strings.Split(pep440, ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	return strings.Join(parts, "."), true
}

// typecheck runs the project's typechecker (runtime option `typechecker`) over the program first, as Pulumi's
// host does; its output is shown and a failure stops the run.
func typecheck(ctx context.Context, tc toolchain.Toolchain, opts toolchain.PythonOptions, dir string) error {
	var checker string
	switch opts.Typechecker {
	case toolchain.TypeCheckerMypy:
		checker = "mypy"
	case toolchain.TypeCheckerPyright:
		checker = "pyright"
	default:
		return nil
	}
	args := []string{"-m", checker}
	if checker == "mypy" {
		venv, err := tc.VirtualEnvPath(ctx)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, venv)
		if err != nil {
			return err
		}
		args = append(args, "--exclude", rel)
	}
	args = append(args, dir)

	installed, err := tc.ListPackages(ctx, true)
	if err != nil {
		return err
	}
	if !hasPackage(installed, checker) {
		install := fmt.Sprintf("Please install it using `poetry add %s`.", checker)
		if opts.Toolchain != toolchain.Poetry {
			install = fmt.Sprintf("Please add an entry for %s to requirements.txt and run `%s`",
				checker, opts.Virtualenv+"/bin/pip install -r requirements.txt")
		}
		return fmt.Errorf("The typechecker option is set to %s, but %s is not installed. %s", //nolint:staticcheck
			checker, checker, install)
	}

	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return err
	}
	var output bytes.Buffer
	cmd.Stdout = io.MultiWriter(os.Stdout, &output)
	cmd.Stderr = io.MultiWriter(os.Stderr, &output)
	cmd.Dir = dir
	if err := cmd.Run(); err != nil {
		if output.Len() > 0 {
			return fmt.Errorf("%s failed: %w\n%s", checker, err, output.String())
		}
		return fmt.Errorf("%s failed: %w", checker, err)
	}
	return nil
}

func hasPackage(installed []plugin.DependencyInfo, name string) bool {
	for _, p := range installed {
		if p.Name == name {
			return true
		}
	}
	return false
}

// engineWriters show output (creating a virtualenv, say) as ephemeral engine messages, info and error, under
// one stream id so the engine groups them.
func (h *host) engineWriters(ctx context.Context) (io.Writer, io.Writer, func(), error) {
	conn, err := grpc.NewClient(h.engineAddress, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("language host could not make connection to engine: %w", err)
	}
	engine := pulumirpc.NewEngineClient(conn)
	stream := rand.Int32() //nolint:gosec // a label, not a secret
	return &engineLog{ctx, engine, stream, pulumirpc.LogSeverity_INFO},
		&engineLog{ctx, engine, stream, pulumirpc.LogSeverity_ERROR}, func() { _ = conn.Close() }, nil
}

type engineLog struct {
	ctx      context.Context
	engine   pulumirpc.EngineClient
	stream   int32
	severity pulumirpc.LogSeverity
}

func (w *engineLog) Write(p []byte) (int, error) {
	_, err := w.engine.Log(w.ctx, &pulumirpc.LogRequest{
		Message:   strings.ToValidUTF8(string(p), "\uFFFD"),
		Ephemeral: true,
		StreamId:  w.stream,
		Severity:  w.severity,
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}
