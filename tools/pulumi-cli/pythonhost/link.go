package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"

	"pulumi-limits.local/pulumi-cli/internal/codegenhost"
)

// Link adds locally generated SDKs to the program's dependencies (`pulumi package add`, `pulumi install` of a
// project's `packages`, `pulumi convert`) with the project's toolchain: for pip, a path line in requirements.txt
// replacing any earlier entry of the package. As in Pulumi's host the virtualenv is not updated here (the
// engine runs InstallDependencies next when asked to install), and a project that names poetry or uv but has
// no pyproject.toml yet is linked through its requirements.txt.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	info := req.GetInfo()
	opts, err := options(info, false)
	if err != nil {
		return nil, err
	}
	closer, loader, err := codegenhost.Connect(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer closer.Close()

	instructions := "You can import the SDK in your Python code with:\n\n"
	if len(req.GetPackages()) > 1 {
		instructions = "You can import the SDKs in your Python code with:\n\n"
	}
	paths := map[string]string{} // Python package name: path of its SDK
	var imports strings.Builder
	for _, dep := range req.GetPackages() {
		if dep.GetPackage().GetName() == "pulumi" {
			paths["pulumi"] = dep.GetPath()
			continue
		}
		ref, pkg, err := codegenhost.LoadPackage(ctx, loader, dep.GetPackage(), "python", python.Importer)
		if err != nil {
			return nil, err
		}
		var name, binding string
		if info, ok := pkg.Language["python"].(python.PackageInfo); ok && info.PackageName != "" {
			name, binding = info.PackageName, info.PackageName
		} else {
			name, binding = python.PyPack(ref.Namespace(), ref.Name()), strings.ReplaceAll(ref.Name(), "-", "_")
		}
		paths[name] = dep.GetPath()
		fmt.Fprintf(&imports, "  import %s as %s\n", name, binding)
	}

	if opts.Toolchain != toolchain.Pip {
		dir := info.GetProgramDirectory()
		if _, err := os.Stat(filepath.Join(dir, "pyproject.toml")); os.IsNotExist(err) {
			if _, err := os.Stat(filepath.Join(dir, "requirements.txt")); os.IsNotExist(err) {
				return nil, fmt.Errorf("no pyproject.toml or requirements.txt found in %s", dir)
			}
			opts.Toolchain = toolchain.Pip
		}
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.LinkPackages(ctx, paths); err != nil {
		return nil, fmt.Errorf("linking packages: %w", err)
	}
	return &pulumirpc.LinkResponse{ImportInstructions: instructions + imports.String()}, nil
}
