package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/cgstrings"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/fsutil"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"pulumi-limits.local/pulumi-cli/internal/codegenhost"
)

// Link adds locally generated SDKs to the program's package.json (`pulumi package add`, `pulumi install` of a
// project's `packages`, `pulumi convert`) with the project's package manager, as Pulumi's host does, and
// answers how to import them: ES module syntax for TypeScript or `"type": "module"` projects, require otherwise.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	info := req.GetInfo()
	options := info.GetOptions().AsMap()
	manager, err := packageManager(options)
	if err != nil {
		return nil, err
	}
	closer, loader, err := codegenhost.Connect(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	dir := info.GetProgramDirectory()
	pm, err := npm.ResolvePackageManager(manager, dir)
	if err != nil {
		return nil, err
	}

	typescript := optionBool(options, "typescript", true)
	if tsconfig, _ := options["tsconfig"].(string); tsconfig != "" {
		typescript = true
	}
	if !typescript {
		if _, err := fsutil.Searchup(dir, "tsconfig.json"); err == nil {
			typescript = true
		}
	}
	modules := typescript || isModulePackage(dir)

	instructions := "You can import the SDK in your JavaScript code with:\n\n"
	if typescript {
		instructions = "You can import the SDK in your TypeScript code with:\n\n"
	}
	var imports strings.Builder
	for _, dep := range req.GetPackages() {
		ref, pkg, err := codegenhost.LoadPackage(ctx, loader, dep.GetPackage(), "nodejs", nodejs.Importer)
		if err != nil {
			return nil, err
		}
		name := npmPackageName(pkg)
		if err := pm.Link(ctx, dir, name, dep.GetPath()); err != nil {
			return nil, err
		}
		binding := cgstrings.Camel(ref.Name())
		if modules {
			fmt.Fprintf(&imports, "  import * as %s from \"%s\";\n", binding, name)
		} else {
			fmt.Fprintf(&imports, "  const %s = require(\"%s\");\n", binding, name)
		}
	}
	return &pulumirpc.LinkResponse{ImportInstructions: instructions + imports.String()}, nil
}

// packageManager reads the `packagemanager` runtime option (auto when absent).
func packageManager(options map[string]any) (npm.PackageManagerType, error) {
	value, ok := options["packagemanager"]
	if !ok {
		return npm.AutoPackageManager, nil
	}
	s, ok := value.(string)
	if !ok {
		return "", fmt.Errorf("packagemanager option must be a string")
	}
	switch npm.PackageManagerType(s) {
	case npm.AutoPackageManager, npm.NpmPackageManager, npm.YarnPackageManager, npm.PnpmPackageManager,
		npm.BunPackageManager:
		return npm.PackageManagerType(s), nil
	}
	return "", fmt.Errorf("packagemanager option must be one of auto, npm, yarn, pnpm or bun, got %q", s)
}

// isModulePackage says whether the nearest package.json declares `"type": "module"`.
func isModulePackage(dir string) bool {
	path, err := npm.SearchupPackageManifest(dir)
	if err != nil {
		return false
	}
	manifest, _, err := npm.ReadPackageManifest(filepath.Dir(path))
	if err != nil {
		return false
	}
	kind, _ := manifest["type"].(string)
	return kind == "module"
}

// npmPackageName is the schema's nodejs packageName, else @<namespace>/<name>, else @pulumi/<name>.
func npmPackageName(pkg *schema.Package) string {
	if info, ok := pkg.Language["nodejs"].(nodejs.NodePackageInfo); ok && info.PackageName != "" {
		return info.PackageName
	}
	if pkg.Namespace != "" {
		return "@" + pkg.Namespace + "/" + pkg.Name
	}
	return "@pulumi/" + pkg.Name
}
